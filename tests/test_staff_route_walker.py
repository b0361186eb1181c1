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


def test_every_staff_route_needs_a_login(app):
    client = app.test_client()
    # A valid CSRF token (from a public form) so POSTs reach the login check rather than stopping at CSRF.
    token = csrf_from(client.get("/zh/plans/2023-city-management/items/2.3").data)
    checked = []
    for rule in _staff_rules(app):
        path = _path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = client.open(path, method=method, data={"csrf_token": token} if method != "GET" else None)
            where = f"{method} {path} ({rule.endpoint})"
            if method == "GET":
                assert r.status_code == 302, where
                assert r.headers["Location"].startswith("/staff/login"), where
            else:
                # Refused outright, or sent to the login page: never carried out.
                assert r.status_code in (302, 400, 401, 403, 405), where
                if r.status_code == 302:
                    assert r.headers["Location"].startswith("/staff/login"), where
            assert "Set-Cookie" not in r.headers or "staff_id" not in r.headers.get("Set-Cookie", ""), where
            checked.append(where)
    assert len(checked) >= 12


def test_a_post_without_login_changes_nothing(app):
    from feedback_support import submit_direct

    fid, code = submit_direct(app)
    client = app.test_client()
    token = csrf_from(client.get("/zh/plans/2023-city-management/items/2.3").data)
    r = client.post(f"/staff/feedback/{fid}/approve", data={"csrf_token": token, f"c{fid}-csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].startswith("/staff/login")
    from feedback_support import feedback_by_code

    assert feedback_by_code(app, code).state == "pending"
