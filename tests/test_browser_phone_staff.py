"""In Chromium at 360 px: the comment form's live count (issue 18 point 8, with and without JavaScript)
and the staff history and audit log as cards a phone can read (point 13): nothing scrolls sideways,
no raw JSON, axe clean, in English and Chinese."""
from __future__ import annotations

import pytest

from browser_support import no_horizontal_scroll, screenshot, staff_tab
from conftest import make_staff
from progress_support import add_site, publish
from test_accessibility import axe_violations, with_axe


def test_live_count_with_javascript_and_server_hint_without(app, live_server, browser_context_factory):
    server = live_server(app)
    tab = browser_context_factory("phone-360").new_page()
    tab.goto(f"{server.url}/zh/plans/2023-city-management/items/2.3")
    count = tab.locator("#body-count")
    # The count is joined to its word by a no-break space (i18n.counts_kept_with_their_words).
    assert count.is_visible() and count.inner_text() == "已写 0\u00a0字，最多 2000 字"
    tab.locator("#body").fill("电梯\n好")
    assert count.inner_text() == "已写 4\u00a0字，最多 2000 字"  # a line break counts once, as on the server
    assert tab.locator("#body").get_attribute("maxlength") == "2000"

    plain = browser_context_factory("phone-360", java_script_enabled=False).new_page()
    plain.goto(f"{server.url}/en/plans/2023-city-management/items/2.3")
    assert not plain.locator("#body-count").is_visible()
    assert plain.get_by_text("5 to 2,000 characters.").is_visible()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_staff_history_and_audit_read_on_a_phone(app, live_server, browser_context_factory, lang):
    publish(app, "2.3", "in_progress", "已完成意愿征询，居民普遍支持加装电梯。", "2023-09-01",
            note_en="Residents were consulted and most support the lifts.", progress={"consultations": 20})
    add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    make_staff(app, "phone-admin", "admin")
    server = live_server(app)
    tab = staff_tab(with_axe(browser_context_factory("phone-360", locale="en-GB" if lang == "en" else "zh-CN")),
                    server, "phone-admin")
    for path in ("/staff/audit", "/staff/items/2.3"):
        tab.goto(server.url + path)
        screenshot(tab, f"staff{path.replace('/', '-')}-{lang}-360")
        assert no_horizontal_scroll(tab), f"{path} scrolls sideways at 360 px"
        body = tab.locator("main").inner_text()
        assert '{"' not in body and "consultations:" not in body, body[:400]
        assert not tab.locator("main table").count(), f"{path} still has a table"
        assert axe_violations(tab) == [], path
    cards = tab.locator(".history-card")
    assert cards.count() == 1 and cards.first.bounding_box()["width"] <= 360
