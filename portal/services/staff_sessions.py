"""Server-side staff session records: one row per login, checked on every request.

The cookie (Flask's signed session, through Flask-Login) carries only a random token; the row holds
who it belongs to and when it ends. Ending a row ends the session on every device at once, and an
ended row never comes back, so re-enabling an account does not revive old sessions.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import StaffSession, StaffUser, utcnow
from ..states import SessionEnd

# last_seen_at is written at most this often: idle timeouts are in minutes, writes on every request
# would cost a database write per staff page.
TOUCH_EVERY = timedelta(seconds=60)
# Rows are kept this long after login so admins and the audit log can refer to them, then dropped.
KEEP_ROWS = timedelta(days=90)


def now() -> datetime:
    """The clock sessions are judged by; tests set STAFF_CLOCK (a callable) instead of sleeping."""
    clock = current_app.config.get("STAFF_CLOCK")
    return clock() if clock else utcnow()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ip_hash(ip: str | None = None) -> str:
    """The request's address, keyed with the secret: comparable in the audit log, not readable."""
    if ip is None and has_request_context():
        ip = request.remote_addr
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"staff-ip\x1f{ip or ''}".encode(), hashlib.sha256).hexdigest()[:40]


_BROWSERS = (("Edg/", "Edge"), ("MicroMessenger", "WeChat"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def summarise_agent(agent: str | None) -> str:
    """'Chrome on Android': enough for a person to recognise their own device, nothing more."""
    agent = agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or re.sub(r"[^\x20-\x7e]", "", agent)[:40] or "unknown"


def start(user: StaffUser) -> str:
    """A new session record for `user`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    moment = now()
    row = StaffSession(token_hash=_token_hash(token), staff_id=user.id, created_at=moment, last_seen_at=moment)
    if has_request_context():
        row.user_agent = summarise_agent(request.user_agent.string)[:120]
        row.ip_hash = ip_hash()
    db.session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id,
                                                  StaffSession.created_at < moment - KEEP_ROWS))
    db.session.add(row)
    user.session_token = token
    user.current_session = row
    return token


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["STAFF_IDLE_MINUTES"]), timedelta(hours=config["STAFF_SESSION_HOURS"])


def _why_over(row: StaffSession, user: StaffUser, moment: datetime) -> SessionEnd | None:
    idle, lifetime = _limits()
    if not user.active:
        return SessionEnd.DISABLED
    if moment - row.created_at >= lifetime:
        return SessionEnd.EXPIRED
    if moment - row.last_seen_at >= idle:
        return SessionEnd.IDLE
    return None


def resume(token: str) -> StaffUser | None:
    """The account a cookie's token belongs to, if its session is still open; ends it if it ran out."""
    if not isinstance(token, str) or not token:
        return None
    # The account comes in the same query: this runs on every staff request.
    row = db.session.scalar(select(StaffSession).options(joinedload(StaffSession.staff))
                            .where(StaffSession.token_hash == _token_hash(token), StaffSession.ended_at.is_(None)))
    if row is None:
        return None
    user = row.staff
    moment = now()
    reason = _why_over(row, user, moment)
    if reason:
        end_row(row, reason, moment)
        db.session.commit()
        return None
    if moment - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = moment
        db.session.commit()
    user.session_token = token
    user.current_session = row
    return user


def end_row(row: StaffSession, reason: SessionEnd, moment: datetime | None = None) -> None:
    if row.ended_at is None:
        row.ended_at = moment or now()
        row.end_reason = reason


def end_all(user: StaffUser, reason: SessionEnd) -> int:
    """Ends every open session of `user` (the caller commits with the change that caused it)."""
    result = db.session.execute(update(StaffSession).where(
        StaffSession.staff_id == user.id, StaffSession.ended_at.is_(None)
    ).values(ended_at=now(), end_reason=reason))
    return result.rowcount or 0


def end_others(user: StaffUser, reason: SessionEnd) -> int:
    """Ends every open session of `user` except the one this request came with (the caller commits)."""
    keep = user.current_session.id if user.current_session is not None else None
    result = db.session.execute(update(StaffSession).where(
        StaffSession.staff_id == user.id, StaffSession.ended_at.is_(None), StaffSession.id != keep
    ).values(ended_at=now(), end_reason=reason))
    return result.rowcount or 0


def _open_stmt():
    """Sessions still open: not ended, and not yet past their idle or absolute limit."""
    idle, lifetime = _limits()
    moment = now()
    return select(StaffSession).where(
        StaffSession.ended_at.is_(None), StaffSession.last_seen_at > moment - idle,
        StaffSession.created_at > moment - lifetime,
    ).order_by(StaffSession.last_seen_at.desc())


def open_sessions(user: StaffUser) -> list[StaffSession]:
    return list(db.session.scalars(_open_stmt().where(StaffSession.staff_id == user.id)))


def open_sessions_by_staff() -> dict[int, list[StaffSession]]:
    """Every account's open sessions in one query, for the accounts page."""
    out: dict[int, list[StaffSession]] = {}
    for row in db.session.scalars(_open_stmt()):
        out.setdefault(row.staff_id, []).append(row)
    return out


def find(user: StaffUser, session_id: int) -> StaffSession | None:
    return db.session.scalar(select(StaffSession).where(StaffSession.id == session_id,
                                                        StaffSession.staff_id == user.id))


def owner(token: str | None) -> int | None:
    """The account a cookie's token was issued to, whether or not its session is still open: whose form a
    post from a browser whose session has ended was."""
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(select(StaffSession.staff_id).where(StaffSession.token_hash == _token_hash(token)))
