"""Fixtures for end-to-end tests in real headless Chromium (Debian's /usr/bin/chromium via Playwright).

`live_server(app)` serves an app from the app factory on a free loopback port in a thread;
`page` is a fresh phone-sized browser page (360×740) for each test. Screenshots go to
test-artifacts/screenshots/ (ignored by git) so anyone can look at what residents see.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
PHONES = {"phone-360": {"width": 360, "height": 740}, "phone-390": {"width": 390, "height": 844}}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def _need_chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is missing in CI: .ci/run should have installed it")
        pytest.skip("Debian chromium not installed (apt-get install chromium fonts-noto-cjk)")


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server():
    """live_server(app) -> LiveServer with .url; stopped after the test."""
    started: list[LiveServer] = []

    def start(app):
        server = LiveServer(app)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser_context_factory(browser):
    """browser_context_factory("phone-390", locale="en-GB") -> a new context; closed after the test."""
    made = []

    def make(phone: str = "phone-360", **kwargs):
        kwargs.setdefault("locale", "zh-CN")
        ctx = browser.new_context(viewport=PHONES[phone], device_scale_factor=2, is_mobile=True, has_touch=True,
                                  **kwargs)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def page(browser_context_factory):
    return browser_context_factory("phone-360").new_page()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/NAME.png (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def staff_tab(context, server, username: str):
    """A new tab of `context` logged in to the back office as `username` (made with the tests' password)."""
    from conftest import STAFF_PASSWORD

    tab = context.new_page()
    tab.goto(f"{server.url}/staff/login")
    tab.locator("#username").fill(username)
    tab.locator("#password").fill(STAFF_PASSWORD)
    tab.locator("form button[type=submit]").last.click()
    return tab
