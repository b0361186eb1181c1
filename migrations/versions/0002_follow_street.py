"""matter_mark ("this matters to me" marks) and feedback.reason_code (moderation reasons counted publicly)

Revision ID: follow_street
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "follow_street"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "matter_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("item_code", sa.String(length=16), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_code"], ["work_item.code"]),
        sa.ForeignKeyConstraint(["site_id"], ["project_site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subject", "browser_hash"),
    )
    with op.batch_alter_table("matter_mark") as batch:
        batch.create_index("ix_matter_mark_subject", ["subject"])
        batch.create_index("ix_matter_mark_item_code", ["item_code"])
        batch.create_index("ix_matter_mark_site_id", ["site_id"])
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("reason_code", sa.String(length=24), nullable=True))


def downgrade():
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("reason_code")
    with op.batch_alter_table("matter_mark") as batch:
        batch.drop_index("ix_matter_mark_site_id")
        batch.drop_index("ix_matter_mark_item_code")
        batch.drop_index("ix_matter_mark_subject")
    op.drop_table("matter_mark")
