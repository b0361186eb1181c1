"""Helpers for the staff session, throttling and second-factor tests."""
from __future__ import annotations

from datetime import datetime

from conftest import STAFF_PASSWORD, csrf_from


class Clock:
    """A settable clock for the session rules (app.config["STAFF_CLOCK"]): no sleeping in tests."""

    def __init__(self, start: datetime = datetime(2026, 11, 24, 1, 0)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


def client_at(app, address: str, agent: str = "pytest"):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    return client


def post_login(client, username: str, password: str = STAFF_PASSWORD):
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_from(page.data)})


def logged_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def audit_entries(app, action: str) -> list:
    from portal.extensions import db
    from portal.models import AuditLog

    with app.app_context():
        rows = db.session.query(AuditLog).filter_by(action=action).order_by(AuditLog.id).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def user_id(app, username: str) -> int:
    from portal.services.auth import find

    with app.app_context():
        return find(username).id
