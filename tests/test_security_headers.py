"""Security headers on every kind of response; HSTS only behind HTTPS; production needs a secret key."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy.exc import OperationalError

from conftest import ROOT
from route_walk import login_as, page_paths, rules, seed, url_of


def assert_secure_headers(response, where: str, https: bool = False) -> None:
    h = response.headers
    csp = h.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert directives.get("default-src") == "default-src 'self'", (where, csp)
    assert directives.get("script-src") == "script-src 'self'", (where, csp)
    assert directives.get("style-src") == "style-src 'self'", (where, csp)
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", (where, csp)
    assert directives.get("object-src") == "object-src 'none'", (where, csp)
    assert h.get("X-Content-Type-Options") == "nosniff", where
    assert h.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer", "same-origin"), where
    assert h.get("X-Frame-Options") == "DENY", where
    hsts = h.get("Strict-Transport-Security")
    if https:
        assert hsts and "max-age=31536000" in hsts, where
    else:
        assert hsts is None, f"{where}: HSTS sent over plain HTTP"


@pytest.fixture
def walked(app):
    return app, seed(app)


def test_every_get_route_sends_the_headers_anonymous_and_logged_in(walked):
    app, seeded = walked
    paths = page_paths(app, seeded.values)
    assert len(paths) > 20  # the walker found the site, not an empty map
    seen_status = set()
    for role in (None, "admin"):
        client = login_as(app, seeded, role)
        for path in paths:
            response = client.get(path)
            assert response.status_code < 500, f"{path} as {role}: {response.status_code}"
            seen_status.add(response.status_code)
            assert_secure_headers(response, f"{path} as {role}")
            if path.startswith("/staff"):
                assert "no-store" in response.headers.get("Cache-Control", ""), path
    assert {200, 302} <= seen_status


def test_error_pages_static_files_and_api_send_the_headers(app, client):
    @app.get("/__test_db_down")
    def _db_down():
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    # An address that only takes POST (some POST addresses also answer a GET, a reload, with a redirect).
    get_rules = {r.rule for r in rules(app, "GET")}
    post_only = next(r for r in rules(app, "POST") if r.rule not in get_rules and not r.rule.startswith("/api")
                     and set(r.arguments) <= {"lang", "code", "feedback_id"})
    cases = {
        "404": client.get("/zh/no-such-page"),
        "405": client.get(url_of(post_only, {"lang": "zh", "code": "2.3", "feedback_id": 1})),
        "400 csrf": client.post("/staff/login", data={"username": "x", "password": "y"}),
        "403 cross-site": client.post("/zh/plans/2023-city-management/items/2.3/feedback", data={"body": "hello there"},
                                      headers={"Origin": "https://evil.example"}),
        "413": client.post("/zh/plans/2023-city-management/items/2.3/feedback", data={"body": "x" * 200_000}),
        "503": client.get("/__test_db_down"),
        "api": client.get("/api/v1/items"),
        "api 404": client.get("/api/v1/items/99.99"),
        "static": client.get("/static/css/site.css"),
        "health": client.get("/healthz"),
    }
    assert cases["404"].status_code == 404 and cases["405"].status_code == 405
    assert cases["400 csrf"].status_code == 400 and cases["413"].status_code == 413
    assert cases["403 cross-site"].status_code == 403
    assert cases["503"].status_code == 503 and cases["api"].status_code == 200
    for where, response in cases.items():
        assert_secure_headers(response, where)


def test_hsts_and_secure_cookies_behind_https(app_factory):
    app = app_factory(PORTAL_HTTPS=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    for path in ("/zh/", "/en/plans/2023-city-management/items/2.3", "/staff/login", "/api/v1/items", "/zh/no-such-page"):
        assert_secure_headers(client.get(path, base_url="https://localhost"), path, https=True)
    response = app.test_client().get("/staff/login", base_url="https://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies if c.startswith("session="))


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_SECRET_KEY"}
    env.update(PORTAL_ENV="production", PORTAL_INSTANCE_DIR=str(tmp_path / "instance"),
               PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}", PORTAL_SEARCH_INDEX=str(tmp_path / "ix"),
               PORTAL_PUBLIC_URL="https://zj.example.gov.cn")
    started = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "PORTAL_SECRET_KEY must be set" in started.stderr
    assert not (tmp_path / "instance" / "secret_key").exists()  # no key was quietly generated instead

    env["PORTAL_SECRET_KEY"] = "a-long-random-production-key-for-these-tests-only"
    started = subprocess.run([sys.executable, "-c", "import wsgi; print(wsgi.app.config['SECRET_KEY'] == 'a-long-random-production-key-for-these-tests-only')"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().endswith("True")
