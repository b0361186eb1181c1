"""Follow by e-mail and withdraw in real Chromium at 360 px: the forms work without JavaScript, and with
mail switched on the pages that carry them pass axe in care mode with 48 px tap targets and 18 px text."""
from __future__ import annotations

from browser_support import screenshot
from feedback_support import submit_direct
from mail_support import link_in, mail_app, send_pending, smtp  # noqa: F401 (fixtures)
from test_accessibility import care_page_problems, with_axe


def test_follow_form_works_without_javascript(mail_app, smtp, live_server, browser_context_factory):
    server = live_server(mail_app)
    tab = browser_context_factory("phone-360", java_script_enabled=False).new_page()
    tab.goto(f"{server.url}/zh/plans/2023-city-management/items/2.3")
    tab.get_by_label("您的电子邮箱", exact=True).fill("lift@example.org")
    tab.get_by_role("button", name="用电子邮件关注").click()
    assert "请查看您的电子邮箱" in tab.inner_text("main")
    send_pending(mail_app)
    [mail] = smtp.inbox.to("lift@example.org")
    tab.goto(server.url + link_in(mail, "/follow/confirm/"))
    tab.get_by_role("button", name="是的，给我发送动态").click()
    assert "您已用电子邮件关注" in tab.inner_text("main")


def test_follow_and_withdraw_pages_pass_axe_in_care_mode(mail_app, smtp, live_server, browser_context_factory):
    server = live_server(mail_app)
    _, code = submit_direct(mail_app, contact="13800000000")
    ctx = with_axe(browser_context_factory("phone-360"))
    ctx.add_cookies([{"name": "care", "value": "1", "url": server.url}])
    tab = ctx.new_page()
    problems = []
    for path in ("/zh/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/places/gutong-sicun", f"/zh/feedback/{code}", "/zh/privacy", "/en/privacy"):
        assert tab.goto(server.url + path).status == 200, path
        for details in tab.locator("details.withdraw").all():
            details.locator("summary").click()  # measure the withdraw button too
        problems.extend(care_page_problems(tab, path))
        screenshot(tab, "follow" + path.replace("/", "-"))
    assert tab.goto(server.url + "/zh/plans/2023-city-management/items/2.3").ok and tab.locator("#follow-email").is_visible()
    assert not problems, "\n".join(problems)
