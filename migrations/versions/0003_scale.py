"""Indexes for the pages that grow: threads, timelines, site counts, the moderation list and feeds.

Revision ID: scale
Revises: follow_street
"""
from alembic import op

revision = "scale"
down_revision = "follow_street"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_status_update_item_latest", "status_update", ["item_code", "happened_on", "created_at", "id"]),
    ("ix_target_progress_key_update", "target_progress", ["target_key", "update_id"]),
    ("ix_project_site_item_target_stage", "project_site", ["item_code", "target_key", "stage"]),
    ("ix_site_stage_update_created_at", "site_stage_update", ["created_at"]),
    ("ix_feedback_item_state_created", "feedback", ["item_code", "state", "created_at"]),
    ("ix_feedback_site_state_created", "feedback", ["site_id", "state", "created_at"]),
    ("ix_feedback_state_created", "feedback", ["state", "created_at"]),
    ("ix_feedback_state_flags", "feedback", ["state", "flag_count"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
