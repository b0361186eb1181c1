"""item outcomes: what became of each work point once its plan's year is over

Revision ID: outcomes
Revises: sheets
"""
from alembic import op
import sqlalchemy as sa

revision = "outcomes"
down_revision = "sheets"
branch_labels = None
depends_on = None

KINDS = ("completed", "partly_completed", "not_completed", "carried_over")


def upgrade():
    op.create_table(
        "item_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_item_id", sa.Integer(), nullable=False),
        sa.Column("plan_slug", sa.String(length=64), nullable=False),
        sa.Column("item_code", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Enum(*KINDS, name="ck_outcomekind", native_enum=False, create_constraint=True, length=20), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("note_zh", sa.Text(), nullable=False),
        sa.Column("note_en", sa.Text(), nullable=True),
        sa.Column("continued_by", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["work_item_id"], ["work_item.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("work_item_id"),
        sa.UniqueConstraint("plan_slug", "item_code", name="uq_item_outcome_plan_code"),
    )
    with op.batch_alter_table("item_outcome") as batch_op:
        batch_op.create_index(batch_op.f("ix_item_outcome_plan_slug"), ["plan_slug"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_outcome_continued_by"), ["continued_by"], unique=False)


def downgrade():
    with op.batch_alter_table("item_outcome") as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_outcome_continued_by"))
        batch_op.drop_index(batch_op.f("ix_item_outcome_plan_slug"))
    op.drop_table("item_outcome")
