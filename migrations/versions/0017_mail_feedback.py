"""a queued mail names the comment it is about: withdrawing a comment (or erasing its contact) deleted the
addresses waiting for its answer but not the mails already waiting in the queue, which still went out

Revision ID: mail_feedback
Revises: staff_draft_owner
"""
from alembic import op
import sqlalchemy as sa

revision = "mail_feedback"
down_revision = "staff_draft_owner"
branch_labels = None
depends_on = None


def upgrade():
    # Mails queued before this keep no link: they go out (or were sent) as before.
    with op.batch_alter_table("mail_queue") as batch_op:
        batch_op.add_column(sa.Column("feedback_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_mail_queue_feedback_id", "feedback", ["feedback_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_mail_queue_feedback_id"), ["feedback_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mail_queue") as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_queue_feedback_id"))
        batch_op.drop_constraint("fk_mail_queue_feedback_id", type_="foreignkey")
        batch_op.drop_column("feedback_id")
