"""The states a stored record can be in, as types: a comment's moderation state, a work point's status,
a project site's stage, a staff account's role, why a staff session ended and what became of a work point.

They are `StrEnum`s, so a member equals (and hashes like) the string stored in the database and sent in
the API; the columns are `Enum` columns stored as those same strings with a CHECK constraint, so the
database refuses any other value. Their user-visible labels stay with Flask-Babel in the services.
"""
from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class ModerationState(StrEnum):
    PENDING = "pending"  # waiting for a first decision, or back after enough readers' reports
    PUBLISHED = "published"
    REJECTED = "rejected"  # never published; the reason is kept
    HIDDEN = "hidden"  # was published, removed by a moderator; the reason is kept
    WITHDRAWN = "withdrawn"  # taken back by its author


class ItemStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DELAYED = "delayed"


class SiteStage(StrEnum):
    """In the order a project site goes through them."""

    CONSULTATION = "consultation"
    CONSTRUCTION = "construction"
    COMPLETED = "completed"


class StaffRole(StrEnum):
    """From the fewest rights to the most."""

    MODERATOR = "moderator"
    EDITOR = "editor"
    ADMIN = "admin"


class SessionEnd(StrEnum):
    """Why a staff session ended."""

    LOGOUT = "logout"
    IDLE = "idle"
    EXPIRED = "expired"
    DISABLED = "disabled"
    ROLE = "role"
    PASSWORD = "password"
    ADMIN = "admin"
    SECOND_FACTOR = "second_factor"  # the account's second factor was turned on or off, or new recovery codes made


class OutcomeKind(StrEnum):
    """What became of a work point once its plan's year is over (labels in services/outcomes.py)."""

    COMPLETED = "completed"
    PARTLY = "partly_completed"
    NOT_COMPLETED = "not_completed"
    CARRIED_OVER = "carried_over"


def enum_type(enum: type[StrEnum], length: int) -> sa.Enum:
    """A column type storing the members' values (not their names) as VARCHAR(length) plus a CHECK
    constraint named after the enum, on SQLite and PostgreSQL alike."""
    return sa.Enum(enum, native_enum=False, create_constraint=True, validate_strings=True, length=length,
                   values_callable=lambda e: [m.value for m in e], name=f"ck_{enum.__name__.lower()}")
