"""data version: one row that changes with every change to what public pages show (HTTP caching)

Revision ID: http_caching
Revises: sheets
"""
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "http_caching"
down_revision = "outcomes"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex,
                            "changed_at": datetime.now(timezone.utc).replace(tzinfo=None)}])


def downgrade():
    op.drop_table("data_version")
