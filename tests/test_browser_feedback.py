"""End to end in real headless Chromium at phone size (360×740), without JavaScript on the resident's
side: comment, tracking code, moderation with a reply, and the published result."""
from __future__ import annotations

import re

from browser_support import no_horizontal_scroll, screenshot
from conftest import STAFF_PASSWORD, make_staff
from feedback_support import feedback_by_code

COMMENT = "3号楼加装电梯什么时候开工？施工期间老人出行怎么安排？我的电话 13812345678。"
REPLY = "计划12月开工；施工期间在1楼设临时休息点，并安排志愿者陪同出行。"


def test_a_resident_comments_from_a_phone_and_reads_the_reply(app, live_server, browser_context_factory):
    server = live_server(app)
    make_staff(app, "mod-e2e", "moderator")

    resident = browser_context_factory("phone-360", java_script_enabled=False).new_page()
    resident.goto(f"{server.url}/zh/plans/2023-city-management/items/2.3")
    resident.fill("#body", COMMENT)
    resident.select_option("#kind", "question")
    resident.fill("#display_name", "王阿姨")
    resident.fill("#contact", "13812345678")
    assert no_horizontal_scroll(resident)
    screenshot(resident, "feedback-1-form-zh-360")
    resident.get_by_role("button", name="提交留言").click()
    resident.wait_for_load_state()
    assert re.search(r"/zh/feedback/ZJ-[0-9A-Z]{10}\?sent=1(#.*)?$", resident.url), resident.url
    code = resident.locator(".tracking").inner_text().strip()
    assert re.fullmatch(r"ZJ-[0-9A-Z]{10}", code)
    assert "已收到，等待审核" in resident.locator("main").inner_text()
    assert no_horizontal_scroll(resident)
    screenshot(resident, "feedback-2-confirmation-zh-360")
    fid = feedback_by_code(app, code).id

    staff = browser_context_factory("phone-360").new_page()
    staff.goto(f"{server.url}/staff/login")
    staff.fill("#username", "mod-e2e")
    staff.fill("#password", STAFF_PASSWORD)
    staff.get_by_role("button", name="登录").click()
    staff.wait_for_load_state()
    staff.goto(f"{server.url}/staff/moderation")
    card = staff.locator(f"#c{fid}")
    card_text = card.inner_text()
    assert "138****5678" in card_text and "13812345678" in card_text  # masked for the public, raw for staff
    card.locator("summary", has_text="添加官方答复").click()
    card.locator("textarea[name$='-reply']").fill(REPLY)
    assert no_horizontal_scroll(staff)
    screenshot(staff, "feedback-3-moderation-zh-360")
    card.get_by_role("button", name="通过并公开").click()
    staff.wait_for_load_state()
    assert f"留言 {code} 已公开。" in staff.locator("main").inner_text()
    screenshot(staff, "feedback-4-queue-after-zh-360")

    resident.goto(f"{server.url}/zh/plans/2023-city-management/items/2.3")
    comment = resident.locator(f"#comment-{fid}")
    text = comment.inner_text()
    assert "施工期间老人出行怎么安排" in text and REPLY in text and "咨询" in text and "王*姨" in text and "138****5678" in text
    assert "13812345678" not in resident.content()
    assert no_horizontal_scroll(resident)
    comment.scroll_into_view_if_needed()
    screenshot(resident, "feedback-5-item-with-reply-zh-360")

    resident.goto(f"{server.url}/zh/feedback/{code}")
    main = resident.locator("main").inner_text()
    assert "已公开" in main and "已答复" in main and REPLY in main
    assert no_horizontal_scroll(resident)
    screenshot(resident, "feedback-6-tracking-replied-zh-360")


def test_back_office_pages_fit_a_phone(app, live_server, page):
    from feedback_support import submit_direct

    server = live_server(app)
    make_staff(app, "admin-e2e", "admin")
    fid, _ = submit_direct(app, body="很长的留言" * 60 + " https://example.com/a/very/long/unbroken/address/that/must/wrap")
    page.goto(f"{server.url}/staff/login")
    page.fill("#username", "admin-e2e")
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    for path, name in [("/staff/", "dashboard"), ("/staff/moderation", "moderation"),
                       (f"/staff/feedback/{fid}", "feedback-detail"), ("/staff/accounts", "accounts")]:
        page.goto(server.url + path)
        assert page.locator("h1").inner_text().strip()
        assert no_horizontal_scroll(page), path
        screenshot(page, f"staff-{name}-zh-360")
