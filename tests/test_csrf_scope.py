"""Flask-WTF checks the CSRF token of writes only (portal/csrf_writes.py): a page view or a search asks it
nothing, while every write it guarded is guarded as before, and the areas it exempts stay exempt."""
from __future__ import annotations

from conftest import csrf_from
from hook_support import READS, calls_into

CHECKS = {"protect", "_is_exempt"}  # what its hook asked on every request (the hook is now off by config)


def test_public_reads_and_searches_ask_flask_wtf_nothing(app, client):
    for path in READS:
        for method in ("GET", "HEAD"):
            status, called = calls_into("/flask_wtf/", client, path, method)
            assert status == 200 and not CHECKS & set(called), (method, path, called[:5])


def test_a_post_without_its_token_is_refused_and_one_with_it_passes(app, client):
    page = client.get("/staff/login")
    for data in ({}, {"csrf_token": "forged"}):
        assert client.post("/staff/login", data={"username": "x", "password": "y", **data}).status_code == 400
    with_token = {"username": "x", "password": "y", "csrf_token": csrf_from(page.data)}
    assert client.post("/staff/login", data=with_token).status_code == 401


def test_the_exempt_areas_stay_exempt(app, client):
    """The "this matters to me" button has no token: the origin check guards it (portal/same_origin.py)."""
    page = "/en/plans/2023-city-management/items/2.3"
    assert client.post(f"{page}/matters", headers={"Origin": "http://localhost"}).status_code == 302
    assert client.post(f"{page}/matters", headers={"Origin": "https://elsewhere.example"}).status_code == 403


def test_turning_csrf_off_still_turns_it_off(app_factory):
    client = app_factory(WTF_CSRF_ENABLED=False).test_client()
    assert client.post("/staff/login", data={"username": "x", "password": "y"}).status_code == 401
