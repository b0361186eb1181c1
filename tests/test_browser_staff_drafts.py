"""In Chromium: a moderator's session ends while they write an official reply; after logging in again the
reply is back in its form, with the notice, and nothing was sent (tests/test_staff_drafts.py has the rest)."""
from __future__ import annotations

from browser_support import staff_tab
from conftest import STAFF_PASSWORD, make_staff
from feedback_support import feedback_by_code, submit_direct
from staff_support import Clock
from test_accessibility import axe_violations, with_axe
from test_staff_drafts import NOTICE, REPLY


def test_a_reply_is_back_in_its_form_after_logging_in_again(app_factory, live_server, browser_context_factory):
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock)
    make_staff(app, "wang", "moderator")
    fid, code = submit_direct(app)
    server = live_server(app)
    context = with_axe(browser_context_factory("phone-360", locale="en-GB"))
    tab = staff_tab(context, server, "wang")
    tab.goto(f"{server.url}/staff/feedback/{fid}")
    tab.locator(f"#c{fid} form.decision summary").click()
    tab.locator(f"#c{fid}-reply").fill(REPLY)
    clock.advance(hours=2)  # the reply took a while to write: the session ended meanwhile
    tab.locator(f"#c{fid} form.decision button.primary").click()

    assert tab.locator("h1").inner_text() == "Staff login"  # answered at the address posted to (401)
    assert any(c["name"] == "staff_draft" and c["path"] == "/staff/" and c["httpOnly"] for c in context.cookies())
    tab.locator("#username").fill("wang")
    tab.locator("#password").fill(STAFF_PASSWORD)
    tab.locator("main form button[type=submit]").last.click()

    assert tab.url == f"{server.url}/staff/feedback/{fid}"  # the page the form was on
    assert tab.locator(f"#c{fid}-reply").input_value() == REPLY and tab.locator(f"#c{fid}-reply").is_visible()
    assert tab.get_by_text(NOTICE).is_visible()
    assert axe_violations(tab) == []  # the notice and the reopened form, as assistive technology reads them
    assert not any(c["name"] == "staff_draft" for c in context.cookies())  # used once, then cleared
    assert feedback_by_code(app, code).state == "pending"  # nothing was sent for them
    tab.locator(f"#c{fid} form.decision button.primary").click()  # they check it and send it themselves
    assert feedback_by_code(app, code).reply_body == REPLY
