"""progress spreadsheets: uploads kept between preview and publish

Revision ID: sheets
Revises: follow_mail
"""
from alembic import op
import sqlalchemy as sa

revision = "sheets"
down_revision = "follow_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sheet_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("sheet_upload") as batch_op:
        batch_op.create_index(batch_op.f("ix_sheet_upload_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sheet_upload_sha256"), ["sha256"], unique=False)


def downgrade():
    with op.batch_alter_table("sheet_upload") as batch_op:
        batch_op.drop_index(batch_op.f("ix_sheet_upload_sha256"))
        batch_op.drop_index(batch_op.f("ix_sheet_upload_staff_id"))
    op.drop_table("sheet_upload")
