"""Posters: the facts printed come from content and staff actions, the QR code encodes the page's
absolute address (the site's comment form for a project), and staff print every poster of a work point at once."""
from __future__ import annotations

import re

from conftest import text_of
from progress_support import add_site, move_site, publish


def _qr_titles(html: str) -> list[str]:
    return re.findall(r'<svg role="img"[^>]*class="qr"[^>]*><title>([^<]+)</title>', html)


def test_item_poster_prints_the_content_and_no_report_yet(app, client):
    from portal.services.content import content

    with app.app_context():
        item = content().item("2.3")
    html = client.get("/zh/plans/2023-city-management/items/2.3/poster").data.decode()
    page = text_of(re.sub(r'<span class="nowrap">(.*?)</span>', r"\1", html))  # figures kept on one line (unbroken)
    assert item.title.zh in page and item.title.en in page  # Chinese poster with the English title
    assert item.summary.zh[:30] in page and "2023年12月" in page
    assert all(o.name.zh in page for o in item.offices)
    assert "尚未发布进展报告" in page
    assert _qr_titles(html) and "localhost/zh/plans/2023-city-management/items/2.3" in page


def test_site_poster_shows_stage_status_and_points_to_the_comment_form(app_factory):
    app = app_factory(PUBLIC_URL="https://zj.example.cn")
    publish(app, "2.3", "in_progress", "已开工。", "2023-09-01", "Work has started.")
    site = add_site(app, "2.3", "甲楼加装电梯", "consultation", name_en="Lift, block A", building="5号楼")
    move_site(app, site, "construction", "2023-10-01")
    page = text_of(app.test_client().get(f"/en/plans/2023-city-management/items/2.3/sites/{site}/poster").data)
    assert "Lift, block A" in page and "甲楼加装电梯" in page and "Under construction" in page
    assert "In progress" in page and f"zj.example.cn/en/plans/2023-city-management/items/2.3/sites/{site}" in page


def test_typed_address_drops_scheme_and_anchor():
    from portal.services.posters import typed_address

    assert typed_address("https://zj.example.cn/zh/plans/2023-city-management/items/2.3/sites/4#feedback-form") == "zj.example.cn/zh/plans/2023-city-management/items/2.3/sites/4"


def test_staff_print_every_poster_of_an_item(app, staff_client):
    a = add_site(app, "2.3", "甲楼加装电梯", "consultation")
    b = add_site(app, "2.3", "乙楼加装电梯", "consultation")
    add_site(app, "2.2", "另一个项目", "consultation")
    editor = staff_client("editor")
    html = editor.get("/staff/items/2.3/posters?lang=zh").data.decode()
    assert html.count('<article class="poster"') == 3
    page = text_of(html)
    assert "甲楼加装电梯" in page and "乙楼加装电梯" in page and "另一个项目" not in page
    assert f"/zh/plans/2023-city-management/items/2.3/sites/{a}" in page and f"/zh/plans/2023-city-management/items/2.3/sites/{b}" in page
    assert staff_client("moderator").get("/staff/items/2.3/posters").status_code == 403
    assert editor.get("/staff/items/9.9/posters").status_code == 404
