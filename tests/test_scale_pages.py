"""Pages that stay phone pages however many comments, updates and projects an item gathers."""
from __future__ import annotations

import re

import brotli

from conftest import text_of
from scale_support import grow

BROWSER = {"Accept-Encoding": "br, gzip"}


def _comment_ids(html: bytes) -> list[str]:
    return re.findall(rb'<li class="comment" id="comment-(\d+)"', html)


def test_item_page_shows_one_page_of_comments_with_a_count_and_numbered_pages(app):
    grow(app, comments=1000, updates=200)
    client = app.test_client()
    first = client.get("/zh/plans/2023-city-management/items/2.3")
    assert first.status_code == 200
    assert len(_comment_ids(first.data)) == 20
    page = text_of(first.data)
    assert "(1000)" in page
    assert 'href="/zh/plans/2023-city-management/items/2.3?comments=50#comments"' in first.data.decode()
    last = client.get("/zh/plans/2023-city-management/items/2.3?comments=50")
    assert len(_comment_ids(last.data)) == 20
    assert not set(_comment_ids(first.data)) & set(_comment_ids(last.data))


def test_a_page_holds_the_newest_comments_with_replied_ones_first(app):
    grow(app, comments=60)
    from portal.extensions import db
    from portal.models import Feedback

    html = app.test_client().get("/zh/plans/2023-city-management/items/2.3").data
    with app.app_context():
        shown = [db.session.get(Feedback, int(i)) for i in _comment_ids(html)]
        newest = sorted(db.session.scalars(db.select(Feedback)), key=lambda fb: fb.created_at, reverse=True)[:20]
        assert {c.id for c in shown} == {c.id for c in newest}
        replied = [bool(c.reply_body) for c in shown]
        assert any(replied) and not all(replied)
        assert replied == sorted(replied, reverse=True)  # every replied comment before every other


def test_odd_page_numbers_are_the_first_or_last_page_never_an_error(app):
    grow(app, comments=45)
    client = app.test_client()
    first = _comment_ids(client.get("/zh/plans/2023-city-management/items/2.3").data)
    for odd in ("３", "²", "-1", "abc", "1" * 40, "0"):
        response = client.get("/zh/plans/2023-city-management/items/2.3", query_string={"comments": odd})
        assert response.status_code == 200, odd
        assert _comment_ids(response.data) == first, odd
    beyond = client.get("/zh/plans/2023-city-management/items/2.3?comments=999")
    assert _comment_ids(beyond.data) == _comment_ids(client.get("/zh/plans/2023-city-management/items/2.3?comments=3").data)


def test_history_shows_the_latest_with_the_rest_one_tap_away(app):
    grow(app, updates=200)
    client = app.test_client()
    html = client.get("/en/plans/2023-city-management/items/2.3").data.decode()
    assert html.count('id="update-') == 10
    assert 'href="/en/plans/2023-city-management/items/2.3/history"' in html and "All 200 updates" in html
    full = client.get("/en/plans/2023-city-management/items/2.3/history")
    assert full.status_code == 200
    assert full.data.decode().count('id="update-') == 200
    assert client.get("/en/plans/2023-city-management/items/9.9/history").status_code == 404


def test_projects_are_paged_and_still_all_counted(app):
    grow(app, sites=130)
    client = app.test_client()
    html = client.get("/zh/plans/2023-city-management/items/2.3").data.decode()
    assert html.count('class="card-link" href="/zh/plans/2023-city-management/items/2.3/sites/') == 20
    assert "(130)" in html
    assert 'href="/zh/plans/2023-city-management/items/2.3?projects=7#sites"' in html


def test_item_page_weight_stays_flat_in_the_number_of_comments(app_factory):
    """1,000 varied comments and 200 updates: at most 50 KB transferred, and within a quarter of the page with 100 (random comment lengths differ)."""
    few, many = app_factory(), app_factory()
    grow(few, comments=100, updates=20)
    grow(many, comments=1000, updates=200)
    sizes = []
    for a in (few, many):
        response = a.test_client().get("/zh/plans/2023-city-management/items/2.3", headers=BROWSER)
        assert response.headers.get("Content-Encoding") == "br"
        sizes.append(len(response.data))
        assert brotli.decompress(response.data)
    assert sizes[1] <= 50_000, sizes
    assert sizes[1] <= sizes[0] * 1.25, sizes


def test_site_page_pages_its_comments(app):
    from progress_support import add_site

    site_id = add_site(app, "2.3", "测试小区1号楼", "consultation")
    from portal.extensions import db
    from portal.config import FIRST_PLAN
    from portal.models import Feedback

    with app.app_context():
        for i in range(45):
            db.session.add(Feedback(tracking_code=f"ZJ-SITE{i:05d}", plan=FIRST_PLAN, item_code="2.3", site_id=site_id, kind="question",
                                    body=f"关于电梯的意见{i}", body_public=f"关于电梯的意见{i}", state="published"))
        db.session.commit()
    html = app.test_client().get(f"/zh/plans/2023-city-management/items/2.3/sites/{site_id}").data
    assert len(_comment_ids(html)) == 20
    assert b"(45)" in html
    assert f'/zh/plans/2023-city-management/items/2.3/sites/{site_id}?comments=3#comments'.encode() in html
