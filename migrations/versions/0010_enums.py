"""states are types: CHECK constraints on moderation states, statuses, stages, roles and session ends

The stored strings stay the same; each column only gains a CHECK constraint listing its allowed values
(portal/states.py). Upgrading fails if a row holds a value outside its list: fix that row first.

Revision ID: enums
Revises: http_caching
"""
from alembic import op
import sqlalchemy as sa

revision = "enums"
down_revision = "http_caching"
branch_labels = None
depends_on = None

# The values as of this revision, written out: a migration must not change when the app's enums do.
VALUES = {
    "moderationstate": ("pending", "published", "rejected", "hidden", "withdrawn"),
    "itemstatus": ("not_started", "in_progress", "completed", "delayed"),
    "sitestage": ("consultation", "construction", "completed"),
    "staffrole": ("moderator", "editor", "admin"),
    "sessionend": ("logout", "idle", "expired", "disabled", "role", "password", "admin"),
}
# table -> (column, enum, length, nullable)
COLUMNS = {
    "feedback": [("state", "moderationstate", 16, False)],
    "work_item": [("current_status", "itemstatus", 20, True)],
    "status_update": [("status", "itemstatus", 20, False)],
    "project_site": [("stage", "sitestage", 20, False)],
    "site_stage_update": [("stage", "sitestage", 20, False)],
    "staff_user": [("role", "staffrole", 16, False)],
    "staff_session": [("end_reason", "sessionend", 32, True)],
}


def _enum(name: str, length: int) -> sa.Enum:
    return sa.Enum(*VALUES[name], name=f"ck_{name}", native_enum=False, create_constraint=True, length=length)


def upgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, name, length, nullable in columns:
                batch_op.alter_column(column, existing_type=sa.String(length), type_=_enum(name, length),
                                      existing_nullable=nullable)


def downgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, name, length, nullable in columns:
                batch_op.alter_column(column, existing_type=_enum(name, length), type_=sa.String(length),
                                      existing_nullable=nullable)
