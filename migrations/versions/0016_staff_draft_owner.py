"""staff drafts belong to the account whose session posted them: on a shared computer another staff member
logging in within the hour was given the first one's text (and the version it was typed against)

Revision ID: staff_draft_owner
Revises: staff_drafts
"""
from alembic import op
import sqlalchemy as sa

revision = "staff_draft_owner"
down_revision = "staff_drafts"
branch_labels = None
depends_on = None


def upgrade():
    # Drafts live an hour and nobody can tell whose the ones kept so far are: they go.
    op.execute("DELETE FROM staff_draft")
    with op.batch_alter_table("staff_draft") as batch_op:
        batch_op.add_column(sa.Column("staff_id", sa.Integer(), nullable=False))
        batch_op.create_foreign_key("fk_staff_draft_staff_id", "staff_user", ["staff_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_staff_draft_staff_id"), ["staff_id"], unique=False)


def downgrade():
    with op.batch_alter_table("staff_draft") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_draft_staff_id"))
        batch_op.drop_constraint("fk_staff_draft_staff_id", type_="foreignkey")
        batch_op.drop_column("staff_id")
