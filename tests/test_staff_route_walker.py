"""Nothing under /staff answers without a login. The routes are read from the app's URL map, so a
route added later is covered without editing this test."""
from __future__ import annotations

import re

from conftest import csrf_from

SAMPLE_VALUES = {"int": "1", "default": "x", "string": "x", "path": "x", "float": "1.0", "uuid": "0" * 32}


def _staff_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and rule.endpoint != "staff.login":
            yield rule


def _path(rule) -> str:
    """The rule's path with a sample value for each variable (<int:id> → 1, <code> → x)."""
    def value(m):
        converter = (m.group(1) or "default").split("(")[0]
        return SAMPLE_VALUES.get(converter, "x")

    return re.sub(r"<(?:([a-z]+(?:\([^)]*\))?):)?[a-z_]+>", value, rule.rule)


def test_the_walker_sees_the_staff_routes(app):
    endpoints = {rule.endpoint for rule in _staff_rules(app)}
    assert {"staff.dashboard", "staff.moderation", "staff.approve", "staff.reject", "staff.hide", "staff.reply",
            "staff.feedback_csv", "staff.accounts", "staff.create_account", "staff.audit_log",
            "staff.logout"} <= endpoints


def _session_of(app, response) -> dict:
    """The session the response sets, decoded as the app reads it ({} when it sets none)."""
    raw = [h.split(";")[0].split("=", 1)[1] for h in response.headers.getlist("Set-Cookie")
           if h.startswith(app.config["SESSION_COOKIE_NAME"] + "=")]
    return app.session_interface.get_signing_serializer(app).loads(raw[-1]) if raw and raw[-1] else {}


def test_every_staff_route_needs_a_login(app):
    client = app.test_client()
    # A valid CSRF token (from the login form) so POSTs reach the login check rather than stopping at CSRF.
    token = csrf_from(client.get("/staff/login").data)
    checked = []
    for rule in _staff_rules(app):
        path = _path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = client.open(path, method=method, data={"csrf_token": token} if method != "GET" else None)
            where = f"{method} {path} ({rule.endpoint})"
            # With a valid CSRF token a POST gets as far as the login check, which sends it to the login page.
            assert r.status_code == 302, where
            assert r.headers["Location"].startswith("/staff/login"), where
            session = _session_of(app, r)
            assert "_user_id" not in session and "2fa_user" not in session, f"{where}: {session}"
            checked.append(where)
    assert len(checked) >= 12


def test_a_post_without_login_changes_nothing(app):
    from feedback_support import submit_direct

    fid, code = submit_direct(app)
    client = app.test_client()
    token = csrf_from(client.get("/staff/login").data)
    r = client.post(f"/staff/feedback/{fid}/approve", data={"csrf_token": token, f"c{fid}-csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].startswith("/staff/login")
    from feedback_support import feedback_by_code

    assert feedback_by_code(app, code).state == "pending"
