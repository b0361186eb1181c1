"""staff drafts: one per form, not one per browser: a moderator with two tabs open whose session ended lost the
first tab's text when the second was posted (the token no longer names a single draft)

Revision ID: staff_drafts_per_form
Revises: mail_feedback
"""
from alembic import op
import sqlalchemy as sa

revision = "staff_drafts_per_form"
down_revision = "mail_feedback"
branch_labels = None
depends_on = None

# 0015 left the unique constraint unnamed: PostgreSQL named it itself, SQLite reports no name (the convention
# names it for the batch copy); a downgrade names it. Whichever it is, it is the one on token_hash alone.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _drop_unique(batch_op):
    unique = next(u for u in sa.inspect(op.get_bind()).get_unique_constraints("staff_draft")
                  if u["column_names"] == ["token_hash"])
    batch_op.drop_constraint(unique["name"] or "uq_staff_draft_token_hash", type_="unique")


def upgrade():
    with op.batch_alter_table("staff_draft", naming_convention=SQLITE_NAMES) as batch_op:
        _drop_unique(batch_op)
        batch_op.create_index(batch_op.f("ix_staff_draft_token_hash"), ["token_hash"], unique=False)


def downgrade():
    # One draft a token again: which of a browser's drafts to keep cannot be told; they live an hour.
    op.execute("DELETE FROM staff_draft")
    with op.batch_alter_table("staff_draft") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_draft_token_hash"))
        batch_op.create_unique_constraint("uq_staff_draft_token_hash", ["token_hash"])
