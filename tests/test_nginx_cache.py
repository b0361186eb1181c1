"""deploy/nginx.conf caches public pages and revalidates them with the app (portal/http_caching.py):
a stored page is served by nginx alone, checked with If-None-Match once it expires, and a status change
shows at the first request after that; staff with a session always reach the app."""
from __future__ import annotations

import http.client
import time
from datetime import date

import pytest

from gunicorn_support import gunicorn
from nginx_support import nginx

pytestmark = pytest.mark.load

ITEM = "/zh/plans/2023-city-management/items/2.3"


def _get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "portal.test", **headers})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def _expire() -> None:
    time.sleep(2.1)  # the app's s-maxage=1; nginx counts whole seconds and keeps a page until the next one


def test_nginx_serves_public_pages_from_its_cache_and_revalidates_them(app, tmp_path):
    from portal.services.progress import record_update

    with gunicorn(app, tmp_path, workers=1, threads=4) as server, nginx(tmp_path, server.port) as port:
        status, headers, body = _get(port, ITEM)
        assert status == 200 and headers["x-cache-status"] == "MISS" and "set-cookie" not in headers
        assert _get(port, ITEM)[1]["x-cache-status"] == "HIT"
        _expire()
        status, headers, again = _get(port, ITEM)
        assert (status, headers["x-cache-status"]) == (200, "REVALIDATED") and again == body  # the app said 304
        assert "已完成" not in body.decode()

        with app.app_context():  # a status change, written as the staff form writes it
            record_update("2.3", "completed", "全部加装电梯已竣工。", None, date(2023, 12, 20))
        _expire()
        status, headers, changed = _get(port, ITEM)
        assert status == 200 and headers["x-cache-status"] == "EXPIRED" and "已完成" in changed.decode()

        assert _get(port, ITEM, Cookie="session=x")[1]["x-cache-status"] == "BYPASS"
        assert "x-cache-status" in _get(port, "/en/search?q=lift")[1]
        assert _get(port, "/en/search?q=lift")[1]["x-cache-status"] != "HIT"  # every search reaches the app


def test_only_the_cookies_pages_read_split_the_cache(app, tmp_path):
    """Pages sent `Vary: Cookie`, so nginx kept one copy per Cookie header: a reader with any cookie of their
    own (a statistics script's, the marks cookie) missed the cache every time. Only care=1 changes a page;
    nginx keys on it and ignores the rest."""
    with gunicorn(app, tmp_path, workers=1, threads=4) as server, nginx(tmp_path, server.port) as port:
        status, headers, plain = _get(port, ITEM)
        assert status == 200 and headers["x-cache-status"] == "MISS"
        for cookies in ("Hm_lvt_5f3a=1733380000; _ga=GA1.2.99.1733380000", "care=0", "lang=fr"):
            status, headers, body = _get(port, ITEM, Cookie=cookies)
            assert (status, headers["x-cache-status"], body) == (200, "HIT", plain), cookies

        status, headers, care = _get(port, ITEM, Cookie="care=1")
        assert status == 200 and headers["x-cache-status"] == "MISS" and b'class="care"' in care
        status, headers, body = _get(port, ITEM, Cookie="_ga=GA1.2.3; care=1")
        assert (headers["x-cache-status"], body) == ("HIT", care)
        assert b'class="care"' not in _get(port, ITEM, Cookie="_ga=GA1.2.3")[2]

        feed = "/plans/2023-city-management/feed.atom"  # both languages, whatever the lang cookie says
        assert _get(port, feed)[1]["x-cache-status"] == "MISS"
        assert _get(port, feed, Cookie="lang=en; _ga=1")[1]["x-cache-status"] == "HIT"
        assert "cookie" not in _get(port, ITEM)[1]["vary"].lower()


def test_feeds_and_the_api_are_one_cached_copy_whatever_the_care_cookie(app, tmp_path):
    """The care cookie was in every cache key: a reader in care mode missed the cache for feeds and the API,
    whose bytes are the same for everyone, and nginx kept a second copy of each. Pages still keep two."""
    with gunicorn(app, tmp_path, workers=1, threads=4) as server, nginx(tmp_path, server.port) as port:
        for path in ("/plans/2023-city-management/feed.atom", ITEM + "/feed.atom", "/api/v1/items"):
            status, headers, plain = _get(port, path)
            assert (status, headers["x-cache-status"]) == (200, "MISS"), path
            status, headers, care = _get(port, path, Cookie="care=1")
            assert (status, headers["x-cache-status"], care) == (200, "HIT", plain), path
        assert _get(port, ITEM)[1]["x-cache-status"] == "MISS"
        assert _get(port, ITEM, Cookie="care=1")[1]["x-cache-status"] == "MISS"


def test_both_nginx_recipes_key_the_cache_alike():
    """docs/nginx-several-nodes.conf repeats deploy/nginx.conf's cache key; they must not drift apart."""
    import re

    from gunicorn_support import ROOT

    def key_parts(path):
        text = (ROOT / path).read_text()
        maps = [" ".join(m.split()) for m in re.findall(r"map \$(?:cookie_care|uri) \$portal_(?:care|reader_variant) \{[^}]*\}", text)]
        return maps, re.findall(r"proxy_cache_key [^;]*;", text)

    single, several = key_parts("deploy/nginx.conf"), key_parts("docs/nginx-several-nodes.conf")
    assert single == several and len(single[0]) == 2 and single[1] == ["proxy_cache_key $scheme$host$request_uri$portal_reader_variant;"]
