"""Progress sheets in real headless Chromium at 360 px: an editor downloads nothing by hand here, but
uploads a filled sheet through the page's file field, reads the preview, publishes, and axe-core finds
no violation on the sheet page or the preview (standard and care mode); nothing scrolls sideways."""
from __future__ import annotations

import pytest

from browser_support import no_horizontal_scroll, screenshot
from conftest import STAFF_PASSWORD, make_staff
from test_accessibility import AAA_CONTRAST, STANDARD, axe_violations, with_axe


def _filled_sheet(app, tmp_path):
    from sheets_support import edit_xlsx, row_of

    from portal.services.sheets.build import xlsx

    with app.test_request_context():
        data = xlsx()
    row = row_of(data, "进度", "2.3", "consultations")
    path = tmp_path / "进度表.xlsx"
    path.write_bytes(edit_xlsx(data, [("进度", row, "new_value", 12), ("进度", row, "new_status", "推进中"),
                                       ("进度", row, "note_zh", "已完成12台加梯意愿征询。"),
                                       ("进度", row, "happened_on", "2023-09-01")]))
    return path


@pytest.mark.parametrize("care", [False, True])
def test_upload_preview_and_publish_on_a_phone(app, live_server, browser_context_factory, tmp_path, care):
    make_staff(app, "ed-sheet", "editor")
    path = _filled_sheet(app, tmp_path)
    server = live_server(app)
    ctx = with_axe(browser_context_factory("phone-360"))
    if care:
        ctx.add_cookies([{"name": "care", "value": "1", "url": server.url}])
    tab = ctx.new_page()
    tab.goto(f"{server.url}/staff/login")
    tab.fill("#username", "ed-sheet")
    tab.fill("#password", STAFF_PASSWORD)
    tab.locator("form button[type=submit]").last.click()
    tab.wait_for_load_state()
    tab.goto(f"{server.url}/staff/progress-sheets")
    options = AAA_CONTRAST if care else STANDARD
    assert axe_violations(tab, options) == [] and no_horizontal_scroll(tab)
    tab.set_input_files("#sheet", str(path))
    tab.locator("form[enctype] button.primary").first.click()
    tab.wait_for_load_state()
    text = tab.locator("main").inner_text()
    assert "已完成12台加梯意愿征询。" in text and "→ 12" in text
    assert axe_violations(tab, options) == [] and no_horizontal_scroll(tab)
    screenshot(tab, f"sheets-preview-360{'-care' if care else ''}")
    tab.locator("form button.primary").click()
    tab.wait_for_load_state()
    assert tab.url.endswith("/staff/progress-sheets")
    tab.goto(f"{server.url}/zh/plans/2023-city-management/items/2.3")
    assert "已完成12台加梯意愿征询。" in tab.locator("main").inner_text()
