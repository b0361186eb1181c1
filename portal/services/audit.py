"""The audit log: who did what, when, with the state before and after."""
from __future__ import annotations

from typing import Any

from flask import has_request_context
from sqlalchemy import select

from ..extensions import db
from ..models import AuditLog


def record(action: str, target_type: str, target_id: Any, before: dict | None, after: dict | None,
           actor=None) -> AuditLog:
    """Adds an entry to the current transaction; the caller commits with the change it describes."""
    fallback = "cli"
    if actor is None and has_request_context():
        from .auth import current_staff

        actor = current_staff()
        fallback = "public"
    entry = AuditLog(
        staff_id=actor.id if actor else None,
        username=actor.username if actor else fallback,
        action=action, target_type=target_type, target_id=str(target_id),
        before=before, after=after,
    )
    db.session.add(entry)
    return entry


def recent(limit: int = 200, offset: int = 0) -> list[AuditLog]:
    stmt = select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(stmt))
