"""Route walker: every /staff route needs a login, each role reaches only what its permission allows,
every staff POST is refused without a CSRF token, every POST from another site is refused, and the API is read-only."""
from __future__ import annotations

import pytest

from conftest import csrf_from, text_of
from route_walk import db_snapshot, declared_permission, login_as, rules, seed, url_of

ROLES = ("moderator", "editor", "admin")  # each has every permission of the one before


@pytest.fixture
def walked(app):
    return app, seed(app)


def _staff_rules(app, method):
    return [r for r in rules(app, method) if r.rule.startswith("/staff") and r.endpoint != "staff.login"]


def _token(client, path="/staff/login"):
    return csrf_from(client.get(path).data)


def test_every_staff_route_needs_a_login(walked):
    app, seeded = walked
    client = app.test_client()
    token = _token(client)
    before = db_snapshot(app)
    checked = 0
    for method in ("GET", "POST"):
        for rule in _staff_rules(app, method):
            path = url_of(rule, seeded.values)
            response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
            where = f"{method} {path}"
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/staff/login"), where
            checked += 1
    assert checked >= 10
    assert db_snapshot(app) == before


def _allowed_roles(app, seeded, path) -> set[str]:
    allowed = set()
    for role in ROLES:
        response = login_as(app, seeded, role).get(path)
        assert response.status_code < 500, f"GET {path} as {role}"
        assert not (response.status_code == 302 and response.headers["Location"].startswith("/staff/login")), \
            f"GET {path} as {role}: logged-in staff sent back to the login page"
        if response.status_code != 403:
            allowed.add(role)
    return allowed


def test_role_boundaries_hold(walked):
    """The roles each staff page admits, read from the responses, must match the permission the view
    declares and be ordered (what a moderator may do, an editor and an admin may too)."""
    from portal.services.auth import PERMISSIONS

    app, seeded = walked
    observed: dict[str, set[str]] = {}
    for rule in _staff_rules(app, "GET"):
        path = url_of(rule, seeded.values)
        allowed = _allowed_roles(app, seeded, path)
        observed[rule.rule] = allowed
        ranks = sorted(ROLES.index(r) for r in allowed)
        assert allowed and ranks == list(range(ranks[0], len(ROLES))), f"{path}: allowed {allowed} is not ordered"
        permission = declared_permission(app, rule.endpoint)
        if permission:
            assert allowed == PERMISSIONS[permission], f"{path} declares {permission} but admits {allowed}"
    # The boundaries the issue names, seen in the responses: some page is closed to moderators and
    # some to editors, wherever those pages are.
    assert any("moderator" not in a for a in observed.values()), observed
    assert any(a == {"admin"} for a in observed.values()), observed

    # Each POST a role may not make is refused and changes nothing.
    refused = 0
    for rule in _staff_rules(app, "POST"):
        if rule.endpoint == "staff.logout":
            continue
        permission = declared_permission(app, rule.endpoint)
        allowed = PERMISSIONS[permission] if permission else observed.get(rule.rule)
        if not allowed:
            continue
        path = url_of(rule, seeded.values)
        for role in set(ROLES) - allowed:
            client = login_as(app, seeded, role)
            token = _token(client, "/staff/")
            before = db_snapshot(app)
            fields = {"csrf_token": token, **{f"{p}-csrf_token": token for p in ("c1", "c2", "u1", "u2", "site", "s1")}}
            response = client.post(path, data=fields)
            assert response.status_code in (403, 404), f"POST {path} as {role}: {response.status_code}"
            assert db_snapshot(app) == before, f"POST {path} as {role} changed data"
            refused += 1
    assert refused >= 3


@pytest.mark.parametrize("role", [None, "admin"])
def test_every_staff_post_needs_a_csrf_token(walked, role):
    app, seeded = walked
    client = login_as(app, seeded, role)
    before = db_snapshot(app)
    posts = [r for r in rules(app, "POST") if r.rule.startswith("/staff")]
    assert len(posts) >= 5
    for rule in posts:
        path = url_of(rule, seeded.values)
        for data in ({}, {"csrf_token": "forged"}, {"c1-csrf_token": "forged", "body": "hello world"}):
            response = client.post(path, data=data)
            assert response.status_code == 400, f"POST {path} {data} as {role}: {response.status_code}"
    assert db_snapshot(app) == before


@pytest.mark.parametrize("role", [None, "admin"])
@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Referer": "https://evil.example/form.html"}])
def test_every_post_from_another_site_is_refused(walked, role, headers):
    """Residents' forms carry no token (portal/same_origin.py): where a browser says a post came from
    decides. Staff forms are refused too, by their token or by the same check."""
    from portal.same_origin import NOT_CHECKED

    app, seeded = walked
    client = login_as(app, seeded, role)
    before = db_snapshot(app)
    posts = [r for r in rules(app, "POST") if not r.rule.startswith("/api/") and r.endpoint not in NOT_CHECKED]
    assert len(posts) >= 10
    for rule in posts:
        path = url_of(rule, seeded.values)
        response = client.post(path, data={"body": "hello world", "csrf_token": "forged"}, headers=headers)
        assert response.status_code in (400, 403), f"POST {path} {headers} as {role}: {response.status_code}"
        if not rule.rule.startswith("/staff"):
            assert response.status_code == 403, f"POST {path} {headers} as {role}"
    assert db_snapshot(app) == before


def test_the_cross_site_refusal_speaks_the_residents_language(client):
    origin = {"Origin": "https://evil.example"}
    zh = client.post("/zh/plans/2023-city-management/items/2.3/feedback", data={"body": "电梯什么时候装？"}, headers=origin)
    en = client.post("/en/plans/2023-city-management/items/2.3/feedback", data={"body": "When will the lift come?"}, headers=origin)
    assert zh.status_code == en.status_code == 403
    assert "Sent from another site" in text_of(en.data) and "来自其他网站的提交" in text_of(zh.data)


def test_the_api_is_read_only(app):
    """The API is exempt from CSRF because it only reads: no rule under /api/ accepts a write."""
    writes = [(r.rule, sorted(r.methods)) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/") and set(r.methods or ()) - {"GET", "HEAD", "OPTIONS"}]
    assert writes == []
    client = app.test_client()
    assert client.post("/api/v1/items").status_code == 405
