"""Care mode (关怀模式) in real Chromium with JavaScript off: a plain link turns it on, a cookie remembers it."""
from __future__ import annotations

import time

from browser_support import screenshot

FONT = "parseFloat(getComputedStyle(document.body).fontSize)"
CARE = "document.documentElement.classList.contains('care')"


def test_care_switch_works_without_javascript_and_is_remembered(app, live_server, browser_context_factory):
    server = live_server(app)
    ctx = browser_context_factory("phone-360", java_script_enabled=False)
    tab = ctx.new_page()
    tab.goto(f"{server.url}/zh/search?q=%E5%8A%A0%E6%A2%AF")
    assert tab.evaluate(FONT) == 16 and not tab.evaluate(CARE)

    switch = tab.get_by_role("link", name="关怀模式（大字）")
    box = switch.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740, "the switch must be on the first screen"
    switch.click()

    assert tab.url == f"{server.url}/zh/search?q=%E5%8A%A0%E6%A2%AF", "returns to the same page and query"
    assert tab.evaluate(CARE) and tab.evaluate(FONT) >= 18
    screenshot(tab, "care-switch-on-zh-360")
    cookie = next(c for c in ctx.cookies() if c["name"] == "care")
    assert cookie["value"] == "1" and cookie["expires"] > time.time() + 300 * 24 * 3600

    again = ctx.new_page()
    again.goto(f"{server.url}/en/plans/2023-city-management/items/2.3")
    assert again.evaluate(CARE) and again.evaluate(FONT) >= 18, "remembered on other pages and languages"
    again.get_by_role("link", name="Standard text").click()
    assert again.url.endswith("/en/plans/2023-city-management/items/2.3")
    assert not again.evaluate(CARE) and again.evaluate(FONT) == 16


def test_the_switch_link_is_url_for_s_on_any_page(app):
    """care_link builds its start once per language; the whole link must still be url_for's, `next`
    (this page's path and query) encoded the same way, for any address and under a script root."""
    from flask import request, url_for
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from portal.templating import care_link

    @settings(max_examples=300, deadline=None)
    # No lone surrogates: a request's path and query arrive as bytes and cannot hold one.
    @given(path=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="?#"), max_size=30),
           query=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), lang=st.sampled_from(["zh", "en"]),
           root=st.sampled_from(["", "/portal"]), on=st.sampled_from([0, 1]))
    def check(path, query, lang, root, on):
        with app.test_request_context(f"/{lang}/{path}", query_string=query, base_url=f"http://localhost{root}"):
            expected = url_for("public.care_mode", lang=lang, on=on, next=request.full_path.rstrip("?"))
            assert care_link(on) == expected

    check()
