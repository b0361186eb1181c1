"""Search on a 360 px phone without JavaScript, in care mode too: a precise query lists few
results with a "more" link, a result link counts the click and lands on the work point, and
a query nothing matches shows help instead of an empty page."""
from __future__ import annotations

import pytest

from browser_support import no_horizontal_scroll, screenshot


@pytest.mark.parametrize("lang, care", [("zh", False), ("en", True)])
def test_search_on_a_phone(app, live_server, browser_context_factory, lang, care):
    server = live_server(app)
    ctx = browser_context_factory("phone-360", java_script_enabled=False)
    if care:
        ctx.add_cookies([{"name": "care", "value": "1", "url": server.url}])
    page = ctx.new_page()
    page.goto(f"{server.url}/{lang}/search?q=违建")
    assert page.locator("ol.results > li").count() <= 3
    more = page.locator("p.more-results a")
    assert no_horizontal_scroll(page)
    screenshot(page, f"search-precise-{lang}-{'care' if care else 'std'}-360")
    more.click()
    page.wait_for_load_state()  # the click returns once the next page starts loading, not when it is parsed
    assert page.locator("ol.results > li").count() >= 10
    page.locator("ol.results a.card-link").first.click()
    assert page.url.endswith(f"/{lang}/plans/2023-city-management/items/4.4")

    page.goto(f"{server.url}/{lang}/search?q=水泥厂xylophone")
    help_text = page.locator("section.no-results").inner_text()
    assert "12345" in help_text
    assert page.locator("section.no-results a").count() >= 4
    assert no_horizontal_scroll(page)
    screenshot(page, f"search-nothing-{lang}-{'care' if care else 'std'}-360")
