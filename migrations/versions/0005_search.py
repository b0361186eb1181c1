"""search query log, counted per week (issue 18.5)

Revision ID: search
Revises: sec_sessions
"""
from alembic import op
import sqlalchemy as sa

revision = "search"
down_revision = "sec_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_query_week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("nothing_found", sa.Integer(), nullable=False),
        sa.Column("near_only", sa.Integer(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "lang", "query", name="uq_search_query_week"),
    )
    with op.batch_alter_table("search_query_week") as batch_op:
        batch_op.create_index(batch_op.f("ix_search_query_week_week"), ["week"], unique=False)


def downgrade():
    with op.batch_alter_table("search_query_week") as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_query_week_week"))
    op.drop_table("search_query_week")
