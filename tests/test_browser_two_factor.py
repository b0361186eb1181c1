"""The second factor in real headless Chromium at 360 px: the QR code draws under the strict CSP
without scrolling sideways, set-up with the app's code works, and the next login asks for a code."""
from __future__ import annotations

import re
import time

import pyotp

from browser_support import no_horizontal_scroll, screenshot
from conftest import STAFF_PASSWORD, make_staff


def _csp_errors(tab) -> list[str]:
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def _password_step(tab, url: str) -> None:
    tab.goto(f"{url}/staff/login")
    tab.fill("#username", "mo-e2e")
    tab.fill("#password", STAFF_PASSWORD)
    tab.locator("main form button[type=submit]").last.click()
    tab.wait_for_load_state()


def test_set_up_and_log_in_with_a_code_on_a_phone(app, live_server, browser_context_factory):
    make_staff(app, "mo-e2e", "moderator")
    server = live_server(app)
    tab = browser_context_factory("phone-360").new_page()
    errors = _csp_errors(tab)
    _password_step(tab, server.url)
    tab.goto(f"{server.url}/staff/2fa")
    qr = tab.locator("figure.qr svg").bounding_box()
    assert qr and 100 <= qr["width"] <= 360 and no_horizontal_scroll(tab)
    screenshot(tab, "two-factor-setup-360")
    secret = re.search(r"secret=([A-Z2-7]+)", tab.content()).group(1)
    tab.fill("#proof", STAFF_PASSWORD)
    tab.fill("#code", pyotp.TOTP(secret).now())
    tab.locator("main form button.primary").click()
    tab.wait_for_load_state()
    assert tab.locator("ol.recovery-codes li").count() == 10 and no_horizontal_scroll(tab)

    second = browser_context_factory("phone-360").new_page()
    _password_step(second, server.url)
    assert "/staff/login/code" in second.url
    # The set-up used this time step's code; each step is accepted once, so type the next one
    # (one step of clock drift is allowed).
    second.fill("#code", pyotp.TOTP(secret).at(int(time.time()) + 30))
    second.locator("main form button.primary").click()
    second.wait_for_load_state()
    assert second.url.endswith("/staff/") and no_horizontal_scroll(second)
    assert errors == []
