"""The header on a phone (issue 18 point 6), measured in Chromium: at most 160 px tall in standard
mode and 240 px in care mode at 360 and 390 px wide, in both languages; the navigation folds into a
<details> menu that opens without JavaScript; no header control's label wraps onto a second line."""
from __future__ import annotations

import pytest

from browser_support import SCREENSHOTS

LIMITS = {False: 160, True: 240}
PAGES = {"zh": "/zh/plans/2023-city-management/items/2.3", "en": "/en/plans/2023-city-management/items/2.3"}
# Number of distinct line boxes of each control's text: 1 means the label is on one line.
LINES = """() => [...document.querySelectorAll('.site-header button, .site-header summary, .site-header .tools a')]
  .map(el => { const r = document.createRange(); r.selectNodeContents(el);
               const tops = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
               return [el.textContent.trim(), tops.size]; })"""


@pytest.mark.parametrize("phone", ["phone-360", "phone-390"])
@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_header_is_compact_and_labels_stay_whole(app, live_server, browser_context_factory, phone, care, lang):
    server = live_server(app)
    ctx = browser_context_factory(phone, java_script_enabled=False)
    if care:
        ctx.add_cookies([{"name": "care", "value": "1", "url": server.url}])
    tab = ctx.new_page()
    tab.goto(server.url + PAGES[lang])
    height = tab.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"header-{lang}-{'care' if care else 'standard'}-{phone}.png"),
                   clip={"x": 0, "y": 0, "width": 360, "height": 300})
    print(f"header {lang} {'care' if care else 'standard'} {phone}: {height:.0f} px")
    assert height <= LIMITS[care], f"header is {height:.0f} px tall"
    broken = [(label, n) for label, n in tab.evaluate(LINES) if n != 1]
    assert not broken, f"labels on more than one line: {broken}"
    assert not tab.locator(".main-nav").is_visible(), "the menu starts folded"
    tab.locator(".menu summary").click()
    nav = tab.get_by_role("navigation", name="主导航" if lang == "zh" else "Main")
    assert nav.is_visible()
    nav.get_by_role("link").nth(2).click()  # opens without JavaScript and its links work
    assert tab.url.endswith(f"/{lang}/plans/2023-city-management/progress")
