"""Real headless Chromium at phone size: pages render Chinese, fit 360 px and need no JavaScript."""
from __future__ import annotations

import pytest

from browser_support import no_horizontal_scroll, screenshot


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_item_page_fits_a_phone_without_javascript(app, live_server, browser_context_factory, lang):
    server = live_server(app)
    page = browser_context_factory("phone-360", java_script_enabled=False).new_page()
    page.goto(f"{server.url}/{lang}/plans/2023-city-management/items/2.3")
    assert page.locator("h1").inner_text().strip()
    assert no_horizontal_scroll(page)
    screenshot(page, f"item-2.3-{lang}-360")
    page.locator("a[hreflang]").first.click()
    other = "en" if lang == "zh" else "zh"
    assert page.url.endswith(f"/{other}/plans/2023-city-management/items/2.3")
