"""我也关心 / "This matters to me": one mark per browser per work point or site, limited per address,
counted publicly, ranked for staff."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import csrf_from, text_of
from progress_support import add_site


def _count_on(client, path: str) -> int:
    m = re.search(r"(\d+) (?:resident|residents) (?:has|have) said|(\d+) 位居民", text_of(client.get(path).data))
    assert m, "no mark count on the page"
    return int(m.group(1) or m.group(2))


def _mark(client, page: str, action: str):
    token = csrf_from(client.get(page).data)
    return client.post(action, data={"csrf_token": token})


def test_one_mark_per_browser_per_item(app):
    first, second = app.test_client(), app.test_client()
    assert _count_on(first, "/en/plans/2023-city-management/items/2.3") == 0
    r = _mark(first, "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters")
    assert r.status_code == 302 and r.headers["Location"].endswith("/en/plans/2023-city-management/items/2.3")
    assert "mark_id=" in r.headers["Set-Cookie"]
    assert "counted" in text_of(first.get("/en/plans/2023-city-management/items/2.3").data)
    _mark(first, "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters")  # the same browser again
    assert "already marked" in text_of(first.get("/en/plans/2023-city-management/items/2.3").data)
    assert _count_on(second, "/en/plans/2023-city-management/items/2.3") == 1
    _mark(second, "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters")
    assert _count_on(second, "/zh/plans/2023-city-management/items/2.3") == 2
    assert _count_on(second, "/en/plans/2023-city-management/items/1.1") == 0  # another work point is not touched


def test_site_marks_are_separate_from_the_item(app):
    site = add_site(app, "2.3", "甲楼加装电梯", "consultation", name_en="Lift, block A")
    c = app.test_client()
    page = f"/en/plans/2023-city-management/items/2.3/sites/{site}"
    _mark(c, page, f"{page}/matters")
    _mark(c, page, f"{page}/matters")
    assert _count_on(c, page) == 1
    assert _count_on(c, "/en/plans/2023-city-management/items/2.3") == 0
    assert c.post(f"/en/plans/2023-city-management/items/1.1/sites/{site}/matters",
                  data={"csrf_token": csrf_from(c.get(page).data)}).status_code == 404


def test_the_cookie_is_stored_only_hashed(app):
    from portal.extensions import db
    from portal.models import MatterMark

    c = app.test_client()
    r = _mark(c, "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters")
    browser_id = re.search(r"mark_id=([^;]+)", r.headers["Set-Cookie"]).group(1)
    with app.app_context():
        stored = db.session.scalars(db.select(MatterMark.browser_hash)).all()
    assert len(stored) == 1 and browser_id not in stored[0] and len(stored[0]) == 64


def test_marks_are_limited_per_address(app_factory):
    app = app_factory(MARK_RATE_LIMIT="3 per hour")
    statuses = []
    for _ in range(5):  # new browsers (no cookie) from one address
        c = app.test_client()
        statuses.append(_mark(c, "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters").status_code)
    assert statuses == [302, 302, 302, 429, 429]
    assert _count_on(app.test_client(), "/en/plans/2023-city-management/items/2.3") == 3


def test_staff_ranking_by_marks_and_by_comments(app, staff_client):
    from portal.services import feedback

    for _ in range(3):
        _mark(app.test_client(), "/en/plans/2023-city-management/items/4.1", "/en/plans/2023-city-management/items/4.1/matters")
    _mark(app.test_client(), "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters")
    with app.test_request_context():
        for n in range(2):
            feedback.submit("2.3", body=f"电梯什么时候开工？第{n}次", kind="question", ip=f"192.0.2.{n}", lang="zh")
    moderator = staff_client("moderator")
    by_marks = moderator.get("/staff/marks")
    assert by_marks.status_code == 200
    rows = re.findall(r'<tr><th scope="row"><a href="/\w+/plans/2023-city-management/items/([\d.]+)">.*?</th><td>(\d+)</td><td>(\d+)</td>',
                      by_marks.data.decode())
    assert rows[:2] == [("4.1", "3", "0"), ("2.3", "1", "2")]
    rows = re.findall(r'<tr><th scope="row"><a href="/\w+/plans/2023-city-management/items/([\d.]+)">.*?</th><td>(\d+)</td><td>(\d+)</td>',
                      moderator.get("/staff/marks?order=comments").data.decode())
    assert rows[:2] == [("2.3", "1", "2"), ("4.1", "3", "0")]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_cookie_value_counts_at_most_once(app_factory, cookie):
    """Whatever a browser sends as its id, a mark is stored at most once for it and never errors."""
    app = app_factory(MARK_RATE_LIMIT="1000 per hour")
    c = app.test_client()
    c.set_cookie(marks_cookie(), cookie)
    codes = [_mark(c, "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters").status_code for _ in range(2)]
    assert codes == [302, 302]
    assert _count_on(c, "/en/plans/2023-city-management/items/2.3") == 1


def marks_cookie() -> str:
    from portal.services.marks import COOKIE

    return COOKIE


def test_the_marker_sees_the_answer_and_a_cached_copy_is_no_longer_current(app):
    other, marker = app.test_client(), app.test_client()
    first = other.get("/en/plans/2023-city-management/items/2.3")
    assert "0 residents have said" in text_of(first.data)
    _mark(marker, "/en/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3/matters")
    assert other.get("/en/plans/2023-city-management/items/2.3", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    page = text_of(marker.get("/en/plans/2023-city-management/items/2.3").data)  # a flash waits: rendered fresh, privately
    assert "Your mark is counted" in page and "1 resident has said" in page


def test_the_mark_limit_page_says_how_long_the_configured_limit_lasts(app_factory):
    """The 429 page of a mark over its hourly limit said "wait a few minutes": a resident who did so was
    refused again, and again, for up to an hour. It says the limit's own period, in both languages."""
    for limit, words in (("1 per hour", {"en": "1 hour", "zh": "1小时"}),
                         ("1 per 5 minutes", {"en": "5 minutes", "zh": "5分钟"})):
        app = app_factory(MARK_RATE_LIMIT=limit)
        for lang in ("en", "zh"):
            page = f"/{lang}/plans/2023-city-management/items/2.3"
            _mark(app.test_client(), page, f"{page}/matters")
            refused = _mark(app.test_client(), page, f"{page}/matters")
            assert refused.status_code == 429
            said = text_of(refused.data)
            assert words[lang] in said and "few minutes" not in said and "几分钟" not in said, (limit, said)
