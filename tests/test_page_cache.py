"""The whole-page cache: served without rendering, per-visitor CSRF tokens kept, fresh after any change."""
from __future__ import annotations

import gzip
import re

import brotli
import pytest

from conftest import csrf_from, text_of
from feedback_support import BODY
from test_query_count import counted_statements

ITEM = "/zh/plans/2023-city-management/items/2.3"
TOKEN_RE = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@pytest.fixture
def cached_app(app_factory):
    return app_factory(PAGE_CACHE=True)


def statements_for(app, client, path, **kwargs):
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    with counted_statements(engine) as statements:
        response = client.get(path, **kwargs)
    return response, len(statements)


def test_a_second_visit_is_served_without_rendering(cached_app):
    first, rendered = statements_for(cached_app, cached_app.test_client(), ITEM)
    again, cached = statements_for(cached_app, cached_app.test_client(), ITEM)
    assert rendered > 0 and cached == 0
    assert TOKEN_RE.sub(b"", first.data) == TOKEN_RE.sub(b"", again.data)
    assert "老楼加装电梯" in text_of(again.data)


def test_each_visitor_gets_its_own_working_csrf_token_from_the_cache(cached_app):
    cached_app.test_client().get(ITEM)  # fills the cache
    alice, bob = cached_app.test_client(), cached_app.test_client()
    alice_token, bob_token = csrf_from(alice.get(ITEM).data), csrf_from(bob.get(ITEM).data)
    assert alice_token != bob_token

    def send(client, token, ip):
        return client.post(f"{ITEM}/feedback", data={"csrf_token": token, "body": BODY, "kind": "question"},
                           environ_base={"REMOTE_ADDR": ip})

    assert send(alice, bob_token, "198.51.100.7").status_code == 400, "a token only works for its own visitor"
    assert send(alice, alice_token, "198.51.100.7").status_code == 302
    assert send(bob, bob_token, "198.51.100.8").status_code == 302


@pytest.mark.parametrize("encoding, decode", [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_cached_pages_arrive_compressed_and_whole(cached_app, encoding, decode):
    """Stored compressed; a page with a visitor's token is spliced into gzip (nothing compressed per request)."""
    client = cached_app.test_client()
    for path in (ITEM, "/zh/", "/api/v1/items"):
        plain = client.get(path).data  # fills the cache
        response = cached_app.test_client().get(path, headers={"Accept-Encoding": encoding})
        assert response.headers.get("Vary", "").startswith("Accept-Encoding")
        assert response.headers["Content-Encoding"] == encoding
        body = decode(response.data)
        assert TOKEN_RE.sub(b"", body) == TOKEN_RE.sub(b"", plain)


def test_a_moderated_comment_shows_at_once(cached_app):
    from portal.services import feedback
    from portal.services.auth import create_staff

    visitor = cached_app.test_client()
    visitor.get(ITEM)
    assert "楼道里堆满了纸箱" not in text_of(visitor.get(ITEM).data)
    with cached_app.app_context():
        staff = create_staff("cache-mod", "correct horse battery staple", "moderator")
        sent = feedback.submit("2.3", body="楼道里堆满了纸箱", kind="concern", ip="192.0.2.9", lang="zh").feedback
        feedback.approve(sent, staff)
    assert "楼道里堆满了纸箱" in text_of(cached_app.test_client().get(ITEM).data)


def test_a_change_in_another_worker_is_seen_through_the_version_file(cached_app):
    from portal.extensions import db
    from portal.models import WorkItem
    from portal.page_cache import PageCache

    visitor = cached_app.test_client()
    before = visitor.get("/en/plans/2023-city-management/items/2.3").data
    with cached_app.app_context():
        db.session.query(WorkItem).filter_by(code="2.3").update({"current_status": "completed"})
        db.session.commit()  # a write without a signal: this worker cannot know
    assert visitor.get("/en/plans/2023-city-management/items/2.3").data == before, "served from the cache"
    other_worker = PageCache(1 << 20, 60, cached_app.extensions["page_cache"].version_file)
    other_worker.bump()
    assert "Completed" in text_of(visitor.get("/en/plans/2023-city-management/items/2.3").data)


def test_entries_expire(app_factory):
    app = app_factory(PAGE_CACHE=True, PAGE_CACHE_TTL=0)
    client = app.test_client()
    client.get("/zh/")
    assert statements_for(app, client, "/zh/")[1] > 0


def test_care_mode_and_languages_are_cached_apart(cached_app):
    client = cached_app.test_client()
    client.get("/zh/")
    care = cached_app.test_client()
    care.set_cookie("care", "1")
    assert b'class="care"' in care.get("/zh/").data
    assert b'class="care"' not in client.get("/zh/").data
    assert b'lang="en"' in client.get("/en/").data


def test_a_flashed_message_is_not_lost_to_the_cache(cached_app):
    from feedback_support import submit_direct
    from portal.services import feedback
    from portal.services.auth import create_staff

    feedback_id, code = submit_direct(cached_app)
    with cached_app.app_context():
        feedback.approve(feedback.find_by_code(code), create_staff("m2", "correct horse battery staple", "moderator"))
    cached_app.test_client().get(ITEM)  # the page is in the cache
    resident = cached_app.test_client()
    page = resident.get(ITEM)
    resident.post(f"/zh/feedback/{feedback_id}/flag", data={"csrf_token": csrf_from(page.data), "reason": "广告"})
    assert 'class="flash"' in resident.get(ITEM).data.decode()
    assert 'class="flash"' not in resident.get(ITEM).data.decode(), "shown once"


def test_errors_posts_and_staff_pages_are_not_cached(cached_app):
    client = cached_app.test_client()
    for _ in range(2):
        assert statements_for(cached_app, client, "/zh/plans/2023-city-management/items/99.99")[0].status_code == 404
    assert "page_cache" in cached_app.extensions
    keys = [key[2] for key in cached_app.extensions["page_cache"].entries]
    assert not [k for k in keys if k.startswith(("/staff", "/zh/plans/2023-city-management/items/99.99", "/zh/feedback"))]


def test_the_fast_path_sends_what_flask_sent(cached_app):
    """After its first hit a page is answered in front of Flask: same security headers, a proper session cookie."""
    cached_app.test_client().get(ITEM)  # stored
    through_flask = cached_app.test_client().get(ITEM)  # a hit inside Flask: its headers are kept
    entry = next(e for k, e in cached_app.extensions["page_cache"].entries.items() if k[2] == ITEM)
    assert entry.final_headers is not None
    fast = cached_app.test_client().get(ITEM, headers={"Accept-Encoding": "gzip"})
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Content-Type"):
        assert fast.headers[header] == through_flask.headers[header]
    cookie = fast.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert fast.headers["Vary"] == "Accept-Encoding, Cookie"
    assert TOKEN_RE.sub(b"", gzip.decompress(fast.data)) == TOKEN_RE.sub(b"", through_flask.data)
    head = cached_app.test_client().head("/zh/")
    assert head.status_code == 200 and head.data == b""


def test_behind_a_proxy_http_and_https_pages_are_cached_apart(app_factory):
    app = app_factory(PAGE_CACHE=True, PROXY_HOPS=1)
    https = app.test_client().get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert b'href="https://localhost/zh/"' in https.data
    for _ in range(3):  # a stored page, then hits inside Flask and in front of it
        assert b'href="http://localhost/zh/"' in app.test_client().get("/en/").data
        assert b'href="https://localhost/zh/"' in app.test_client().get(
            "/en/", headers={"X-Forwarded-Proto": "https"}).data
