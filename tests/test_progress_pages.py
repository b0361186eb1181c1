"""The progress dashboard and the home page block: SVG charts with tables, counts that follow the
published updates, items past their deadline, recent updates, and a fixed number of queries."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from conftest import text_of
from progress_support import add_site, publish


def _table_counts(html: str, caption_id: str) -> dict[str, int]:
    """Row header -> last number cell, from the table of the figure with that caption id."""
    fig = re.search(rf'<figure class="chart" aria-labelledby="{caption_id}-cap">(.*?)</figure>', html, re.S).group(1)
    table = re.search(r"<tbody>(.*?)</tbody>", fig, re.S).group(1)
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        head = text_of(re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)).strip()
        nums = re.findall(r'<td class="num">(\d+)</td>', row)
        out[head] = int(nums[-1])
    return out


def test_dashboard_counts_follow_the_updates(app, client):
    html = client.get("/en/plans/2023-city-management/progress").get_data(as_text=True)
    counts = _table_counts(html, "by-status")
    assert counts["— No progress report published yet"] == 30 and counts["✔ Completed"] == 0

    publish(app, "2.3", "completed", "全部完成。", "2023-12-20", "All done.")
    publish(app, "4.1", "delayed", "推迟。", "2023-11-01", "Postponed.")
    publish(app, "8.2", "in_progress", "进行中。", "2023-10-01", "Under way.")
    html = client.get("/en/plans/2023-city-management/progress").get_data(as_text=True)
    counts = _table_counts(html, "by-status")
    assert counts == {"✔ Completed": 1, "▶ In progress": 1, "○ Not started": 0, "! Delayed": 1,
                      "— No progress report published yet": 27}
    areas = _table_counts(html, "by-area")
    assert sum(areas.values()) == 30 and areas[next(k for k in areas if k.startswith("2."))] == 8
    offices = _table_counts(html, "by-office")
    assert sum(offices.values()) >= 30  # an item with several offices counts under each

    text = text_of(html)
    assert text.index("Under way.") < text.index("Postponed.") < text.index("All done.")  # newest published first
    overdue = re.search(r'id="h-overdue">.*?\((\d+)\)', html, re.S)
    assert int(overdue.group(1)) == 29  # PORTAL_TODAY is 2026-11-24: every deadline is over; 2.3 is completed


def test_charts_are_svg_without_style_attributes_and_with_tables(client):
    html = client.get("/zh/plans/2023-city-management/progress").get_data(as_text=True)
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) >= 3
    assert " style=" not in html and "<style" not in html and "<script" not in html
    assert all('role="img"' in s for s in svgs if 'class="chart-svg"' in s)
    assert html.count('<figure class="chart"') == 3 and html.count("<table") >= 3
    assert "<title" in svgs[0]


def test_chart_bars_scale_with_the_counts(app, client):
    publish(app, "2.3", "completed", "全部完成。", "2023-12-20")
    html = client.get("/en/plans/2023-city-management/progress").get_data(as_text=True)
    svg = re.search(r'<svg class="chart-svg"[^>]*>.*?</svg>', html, re.S).group(0)
    widths = {code: float(w) for w, code in re.findall(r'width="([\d.]+)" height="13" class="seg seg-(\w+)"', svg)}
    assert widths["no_report"] > 20 * widths["completed"] > 0


def test_overdue_list_at_a_fixed_date(app_factory):
    app = app_factory(PORTAL_TODAY="2023-10-15")
    c = app.test_client()
    html = c.get("/en/plans/2023-city-management/progress").get_data(as_text=True)
    section = re.search(r'id="h-overdue">(.*?)</section>', html, re.S).group(1)
    codes = re.findall(r'<span class="code">([\d.]+)</span>', section)
    # Deadlines May, July and September 2023 are over on 15 October 2023.
    assert codes == ["1.2", "5.1.3", "3.1", "2.1.3", "2.5", "5.1.4", "5.1.5"]
    publish(app, "3.1", "completed", "已完成。", "2023-07-30")
    section = re.search(r'id="h-overdue">(.*?)</section>', c.get("/en/plans/2023-city-management/progress").get_data(as_text=True), re.S).group(1)
    assert "3.1" not in re.findall(r'<span class="code">([\d.]+)</span>', section)


def test_home_page_has_the_progress_block(app, client):
    publish(app, "2.2", "in_progress", "第一批开工。", "2023-08-01", "First batch started.")
    text = text_of(client.get("/en/").data)
    assert "How it is going" in text and "First batch started." in text
    assert "work points are past their deadline" in text
    assert 'class="chart-svg"' in client.get("/en/").get_data(as_text=True)


def test_recent_updates_include_site_stages(app, client):
    sid = add_site(app, "2.3", "甲楼加装电梯", "consultation", name_en="Lift, block A")
    text = text_of(client.get("/en/plans/2023-city-management/progress").data)
    assert "Lift, block A" in text and "Consulting residents" in text
    assert f"/en/plans/2023-city-management/items/2.3/sites/{sid}" in client.get("/en/plans/2023-city-management/progress").get_data(as_text=True)


def test_before_any_update_pages_say_so(client):
    text = text_of(client.get("/en/plans/2023-city-management/progress").data)
    assert "0 of 30 work points have a published progress report." in text
    assert "No progress report published yet" in text


@pytest.mark.parametrize("path", ["/zh/plans/2023-city-management/progress", "/en/", "/zh/plans/2023-city-management/items/", "/en/plans/2023-city-management/places/gutong-sicun"])
def test_no_query_per_listed_item(app, client, path):
    from portal.extensions import db

    def queries():
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    codes = ["1.1", "2.2", "2.3", "3.1", "4.1", "5.1.3", "6.2", "7.1", "8.1", "8.2"]

    def report(code, n):
        publish(app, code, "in_progress", f"第{n}次。", "2023-08-01", progress={})
        add_site(app, code, f"项目{n}", "construction", place="gutong-sicun")

    report(codes[0], 0)
    one = queries()
    for n, code in enumerate(codes[1:], 1):
        report(code, n)
    assert queries() == one
