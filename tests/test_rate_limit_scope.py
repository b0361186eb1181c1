"""Flask-Limiter runs only for views that declare a limit (portal/view_limiter.py): a page view or a search
runs none of its code, a limited view keeps its limit, its 429 answer and its X-RateLimit headers, and no
limit that only the dropped app-wide hooks would apply (default, application, blueprint, meta) can hide."""
from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from conftest import csrf_from, make_staff
from hook_support import READS, calls_into
from portal.extensions import client_network, limiter
from portal.view_limiter import ViewLimiter
from staff_support import client_at, post_login


def _app_wide_limits(limiter: ViewLimiter, app: Flask) -> list:
    manager = limiter.limit_manager
    with app.test_request_context():  # limits given as functions read the app's config
        return [*manager.default_limits, *manager.application_limits, *limiter._meta_limits,
                *(lim for name in (None, *app.blueprints) for lim in manager.blueprint_limits(app, name))]


def test_public_reads_and_searches_run_no_limiter_code(app, client):
    for path in READS:
        for method in ("GET", "HEAD"):
            status, called = calls_into("/flask_limiter/", client, path, method)
            assert status == 200 and called == [], (method, path, called[:5])


def test_a_limited_view_still_runs_its_check(app, client):
    status, called = calls_into("/flask_limiter/", client, "/zh/feedback/ZJ-AAAAAAAAAA")
    assert status == 404 and "_check_request_limit" in called


def test_the_app_declares_no_limit_the_dropped_hooks_would_apply(app):
    assert _app_wide_limits(limiter, app) == []


def test_the_check_sees_a_blueprint_limit_and_init_refuses_default_and_application_limits():
    other, app = ViewLimiter(key_func=client_network, storage_uri="memory://"), Flask(__name__)
    area = Blueprint("area", __name__)
    other.limit("1 per day")(area)
    app.register_blueprint(area)
    other.init_app(app)
    assert len(_app_wide_limits(other, app)) == 1
    for kind in ("default_limits", "application_limits"):
        with pytest.raises(RuntimeError, match="declared on views"):
            ViewLimiter(key_func=client_network, storage_uri="memory://", **{kind: ["1 per day"]}).init_app(Flask(__name__))


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("X-RateLimit") or k == "Retry-After"}


def test_a_limited_post_keeps_its_headers_and_its_429(app_factory):
    app = app_factory(MARK_RATE_LIMIT="2 per hour")
    page = "/en/plans/2023-city-management/items/2.3"
    answers = []
    for _ in range(3):
        c = app.test_client()
        answers.append(c.post(f"{page}/matters", data={"csrf_token": csrf_from(c.get(page).data)}))
    assert [r.status_code for r in answers] == [302, 302, 429]
    for r, remaining in zip(answers, ("1", "0", "0")):
        h = _headers(r)
        assert (h["X-RateLimit-Limit"], h["X-RateLimit-Remaining"]) == ("2", remaining), h
        assert int(h["X-RateLimit-Reset"]) > 0 and 3500 <= int(h["Retry-After"]) <= 3600, h
    assert all(k not in _headers(app.test_client().get(page)) for k in ("X-RateLimit-Limit", "Retry-After"))


def test_a_limited_read_keeps_its_headers_once_and_its_429(app_factory):
    app = app_factory(TRACKING_RATE_LIMIT="2 per minute")
    client = app.test_client()
    answers = [client.get("/zh/feedback/ZJ-AAAAAAAAAA") for _ in range(3)]
    assert [r.status_code for r in answers] == [404, 404, 429]
    assert [r.headers.getlist("X-RateLimit-Remaining") for r in answers] == [["1"], ["0"], ["0"]]
    assert all(0 < int(r.headers["Retry-After"]) <= 60 for r in answers)


def test_only_failed_logins_count_and_say_so(app):
    """Counted before the password is checked and given back unless it failed (portal/staff/throttle.py): the
    headers say what is left after that."""
    make_staff(app, "alice", "moderator")
    c = client_at(app, "192.0.2.80")
    failed = post_login(c, "alice", "wrong password!")
    assert failed.status_code == 401 and failed.headers["X-RateLimit-Remaining"] == "4"
    assert post_login(c, "alice", "wrong password!").headers["X-RateLimit-Remaining"] == "3"


def test_a_disabled_limiter_limits_nothing_and_says_nothing(app_factory):
    """RATELIMIT_ENABLED=False (bench/scale.py): limited views answer without a limit, a header or an error."""
    app = app_factory(RATELIMIT_ENABLED=False, TRACKING_RATE_LIMIT="1 per minute")
    client = app.test_client()
    answers = [client.get("/zh/feedback/ZJ-AAAAAAAAAA") for _ in range(3)]
    assert [r.status_code for r in answers] == [404] * 3
    assert not any(_headers(r) for r in answers)
