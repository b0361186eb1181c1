"""staff drafts: what was typed into a staff form whose session or CSRF token had expired, kept an hour so
it can be put back into that form after logging in again

Revision ID: staff_drafts
Revises: subscription_email
"""
from alembic import op
import sqlalchemy as sa

revision = "staff_drafts"
down_revision = "subscription_email"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("page", sa.String(length=500), nullable=False),
        sa.Column("action", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_draft") as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_draft_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("staff_draft") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_draft_expires_at"))
    op.drop_table("staff_draft")
