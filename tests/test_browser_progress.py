"""Progress in real headless Chromium at 360 px: the dashboard's SVG charts draw under the strict CSP,
nothing scrolls sideways, and an editor's update made in the browser shows on the resident's page."""
from __future__ import annotations

import pytest

from browser_support import no_horizontal_scroll, screenshot
from conftest import STAFF_PASSWORD, make_staff
from progress_support import add_site, move_site, publish


def _csp_errors(tab) -> list[str]:
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def _seed(app):
    publish(app, "2.2", "in_progress", "首批旧住房更新已开工。", "2023-08-01", "First old-housing renovations started.",
            progress={"renovated_area": 42000})
    publish(app, "4.1", "delayed", "部分小区整改推迟。", "2023-11-01", "Some estates postponed.")
    publish(app, "8.2", "completed", "已完成。", "2023-12-15", "Done.")
    a = add_site(app, "2.3", "甲楼加装电梯", "consultation", target="consultations", place="gutong-sicun",
                 building="5号楼", name_en="Lift, block A")
    move_site(app, a, "construction", "2023-09-01", "开工")
    add_site(app, "2.3", "乙楼加装电梯", "consultation", target="consultations", name_en="Lift, block B")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_charts_draw_on_a_phone(app, live_server, browser_context_factory, lang):
    _seed(app)
    server = live_server(app)
    tab = browser_context_factory("phone-360").new_page()
    errors = _csp_errors(tab)
    tab.goto(f"{server.url}/{lang}/plans/2023-city-management/progress")
    charts = tab.locator("svg.chart-svg")
    assert charts.count() == 3
    for n in range(3):
        box = charts.nth(n).bounding_box()
        assert box and 280 <= box["width"] <= 360 and box["height"] > 30
    # Bars are filled by classes from site.css: a computed fill proves the stylesheet reached the SVG.
    fill = tab.evaluate("getComputedStyle(document.querySelector('.seg-completed')).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    assert no_horizontal_scroll(tab)
    assert errors == []
    screenshot(tab, f"progress-dashboard-{lang}-360")

    tab.goto(f"{server.url}/{lang}/")
    assert tab.locator(".home-progress svg.chart-svg").count() == 1 and no_horizontal_scroll(tab)
    tab.goto(f"{server.url}/{lang}/plans/2023-city-management/items/2.3")
    assert tab.locator("#sites .card").count() == 2 and no_horizontal_scroll(tab)
    screenshot(tab, f"progress-item-2.3-{lang}-360")
    assert errors == []


def test_editor_update_in_the_browser_reaches_the_resident(app, live_server, browser_context_factory):
    make_staff(app, "ed-e2e", "editor")
    server = live_server(app)
    staff = browser_context_factory("phone-360", locale="en-GB").new_page()
    staff.goto(f"{server.url}/staff/login")
    staff.fill("#username", "ed-e2e")
    staff.fill("#password", STAFF_PASSWORD)
    staff.locator("form button[type=submit]").last.click()
    staff.wait_for_load_state()
    staff.goto(f"{server.url}/staff/items/2.2")
    staff.select_option("#status", "in_progress")
    staff.fill("#note_zh", "第一批12万平方米中已完成4.2万平方米。")
    staff.fill("#note_en", "42,000 m² of the first batch finished.")
    staff.fill("#happened_on", "2023-09-30")
    staff.fill("#progress_renovated_area", "42000")
    assert no_horizontal_scroll(staff)
    screenshot(staff, "progress-staff-form-360")
    staff.locator("form button[name=step][value=preview]").click()
    staff.wait_for_load_state()
    assert "第一批12万平方米中已完成4.2万平方米。" in staff.locator(".preview").inner_text()  # as residents will read it
    staff.locator(".preview button[name=step][value=publish]").click()
    staff.wait_for_load_state()
    assert "/staff/items/2.2" in staff.url

    resident = browser_context_factory("phone-360").new_page()
    resident.goto(f"{server.url}/zh/plans/2023-city-management/items/2.2")
    text = resident.locator("main").inner_text()
    assert "第一批12万平方米中已完成4.2万平方米。" in text and "推进中" in text
    assert resident.locator("progress").first.get_attribute("value") == "38"
    assert no_horizontal_scroll(resident)
