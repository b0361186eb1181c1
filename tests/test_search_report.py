"""The staff search report (issue 18.5): query text and weekly counts only, clicks through a
redirect, any staff role may read it, 90 days kept with `flask search purge-log`."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select

from conftest import text_of


def _rows(app):
    from portal.extensions import db
    from portal.models import SearchQueryWeek
    from portal.services import search_log

    with app.app_context():
        search_log.flush()
        return {(r.lang, r.query): (r.searches, r.nothing_found, r.near_only, r.clicks, r.week)
                for r in db.session.scalars(select(SearchQueryWeek))}


def test_searches_and_clicks_are_counted_per_week_and_query(app, client):
    for _ in range(2):
        client.get("/zh/search?q=水泥厂", headers={"X-Forwarded-For": "203.0.113.9"})
    client.get("/zh/search?q=悦府")
    client.get("/en/search?q=lift")
    r = client.get("/en/search/go/2.3?q=lift")
    assert r.status_code == 303 and r.headers["Location"].endswith("/en/plans/2023-city-management/items/2.3")
    rows = _rows(app)
    assert rows[("zh", "水泥厂")][:4] == (2, 2, 0, 0)
    assert rows[("zh", "悦府")][:4] == (1, 0, 1, 0)
    assert rows[("en", "lift")][:4] == (1, 0, 0, 1)
    assert rows[("zh", "水泥厂")][4] == date(2026, 11, 23)  # PORTAL_TODAY 2026-11-24 is a Tuesday


def test_a_full_buffer_is_written_off_the_search_and_nothing_is_lost(app, client, monkeypatch):
    """The early write (MAX_PENDING distinct queries) runs on a thread of its own, so the search that
    fills the buffer answers without waiting for it; every count still reaches the table."""
    import threading

    from portal.services import search_log

    writers = []
    real_flush = search_log.flush

    def watched_flush():
        writers.append(threading.current_thread().name)
        real_flush()

    monkeypatch.setattr(search_log, "MAX_PENDING", 3)
    monkeypatch.setattr(search_log, "flush", watched_flush)
    queries = ["加梯", "垃圾分类", "充电桩", "lift", "violation"]
    for q in queries:
        assert client.get(f"/zh/search?q={q}").status_code == 200
    writer = getattr(app.extensions["search_log"], "writer", None)
    if writer is not None:
        writer.join(10)
    assert writers, "a full buffer was not written"
    assert threading.main_thread().name not in writers, "the search that filled the buffer wrote it"
    assert "search-log-write" in writers
    monkeypatch.setattr(search_log, "flush", real_flush)
    rows = _rows(app)
    assert {q for _, q in rows} == set(queries)
    assert all(counts[0] == 1 for counts in rows.values())


def test_the_log_holds_no_address_cookie_or_time_of_day(app):
    from portal.extensions import db

    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("search_query_week")}
    assert columns == {"id", "week", "lang", "query", "searches", "nothing_found", "near_only", "clicks"}


def test_result_links_count_the_click_and_unknown_items_are_404(client):
    html = client.get("/zh/search?q=加梯").data.decode()
    assert "/zh/search/go/2.3?q=" in html
    assert client.get("/zh/search/go/9.9?q=x").status_code == 404
    assert client.get("/xx/search/go/2.3?q=x").status_code == 404


@pytest.mark.parametrize("role", ["moderator", "editor", "admin"])
def test_every_staff_role_reads_the_report(client, staff_client, role):
    client.get("/zh/search?q=水泥厂")
    client.get("/zh/search?q=加梯")
    client.get("/zh/search/go/2.3?q=加梯")
    staff = staff_client(role)
    page = staff.get("/staff/search-report")
    text = text_of(page.data)
    assert page.status_code == 200
    assert "水泥厂" in text and "2026-11-23" in text
    assert "加梯" not in text  # found something and was opened: nothing to improve


def test_the_report_needs_a_login(client):
    r = client.get("/staff/search-report")
    assert r.status_code == 302 and "/staff/login" in r.headers["Location"]


def test_purge_keeps_90_days(app, client):
    from portal.extensions import db
    from portal.models import SearchQueryWeek

    with app.app_context():
        today = date(2026, 11, 24)
        for days in (0, 89, 91, 200):
            week = today - timedelta(days=days)
            db.session.add(SearchQueryWeek(week=week, lang="zh", query=f"q{days}", searches=1,
                                           nothing_found=1, near_only=0, clicks=0))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "purge-log"])
    assert result.exit_code == 0 and "2 weekly rows" in result.output
    assert {q for _, q in _rows(app)} == {"q0", "q89"}


def test_phone_numbers_and_addresses_typed_into_search_are_not_kept(app, client, staff_client):
    # Residents paste their own contact into the search box (looking for their comment): the report is
    # read by every staff role and kept 90 days, so the number is masked as on a published comment.
    page = client.get("/zh/search?q=13812345678 加梯").data.decode()
    links = re.findall(r'href="(/zh/search/go/[^"]+)"', page)
    assert links and not any("12345678" in link for link in links)  # a click counts under the masked words
    client.get("/zh/search?q=zhang.san@qq.com")
    client.get("/zh/search/go/2.3?q=138 1234 5678 水泥厂")
    queries = {q for _, q in _rows(app)}
    assert not any("12345678" in q or "1234 5678" in q or "zhang.san" in q for q in queries), queries
    text = text_of(staff_client("moderator").get("/staff/search-report").data)
    assert "13812345678" not in text and "zhang.san@qq.com" not in text
    assert "138****5678 加梯" in text and "z***@***" in text
