"""feedback.public_revision, counted up by a trigger whenever a comment's public text changes: `flask privacy
purge` re-masked published comments, and only the node that ran it re-indexed them; the other nodes' search
still found a work point by the phone number its comment no longer shows (their freshness check reads counts,
last ids and last decisions, none of which a re-mask moves)

The database counts, not the code that writes: re-masking, SQL by hand or a future edit of a comment cannot
forget it. A counter, not a time: nodes' clocks differ, and an earlier time would not move the maximum.
A later migration that rebuilds this table on SQLite (batch_alter_table) must create the trigger again;
tests/test_multi_node.py fails without it.

Revision ID: feedback_public_revision
Revises: staff_drafts_per_form
"""
from alembic import op
import sqlalchemy as sa

revision = "feedback_public_revision"
down_revision = "staff_drafts_per_form"
branch_labels = None
depends_on = None

TRIGGER = "feedback_public_revision"

SQLITE = f"""
CREATE TRIGGER {TRIGGER} AFTER UPDATE OF body_public ON feedback
FOR EACH ROW WHEN NEW.body_public IS NOT OLD.body_public
BEGIN
  UPDATE feedback SET public_revision = OLD.public_revision + 1 WHERE id = NEW.id;
END
"""

# OR REPLACE: pg_restore --clean of a dump taken before this revision drops the table (and its trigger),
# not the function; the upgrade that follows the restore creates both again.
POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.public_revision := OLD.public_revision + 1;
  RETURN NEW;
END
$$
""",
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON feedback",
    f"""
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OF body_public ON feedback
FOR EACH ROW WHEN (NEW.body_public IS DISTINCT FROM OLD.body_public)
EXECUTE FUNCTION {TRIGGER}()
""",
]


def upgrade():
    op.add_column("feedback", sa.Column("public_revision", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL:
            op.execute(statement)
    else:
        op.execute(SQLITE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON feedback")
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    with op.batch_alter_table("feedback") as batch_op:
        batch_op.drop_column("public_revision")
