"""axe-core in real headless Chromium on every public page, both languages, two phone sizes, standard and care mode.

Each run saves a full-page screenshot of every page to test-artifacts/screenshots/ (not committed).
Care mode (关怀模式) is also held to WCAG AAA contrast (7:1), the "stronger contrast" it promises.
"""
from __future__ import annotations

import pytest

from browser_support import no_horizontal_scroll, screenshot
from public_pages import missing_samples, public_pages, seed

STANDARD = {"resultTypes": ["violations"]}
AAA_CONTRAST = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                      "best-practice"]},
                "rules": {"color-contrast-enhanced": {"enabled": True}},
                "resultTypes": ["violations"]}


# What care mode promises, measured on the rendered page: text sizes in CSS px and tap-target boxes.
# Links inside a sentence are exempt (WCAG 2.5.5 "inline"); SVG chart text is an image with a table beside it.
CARE_MEASURE = """() => {
  const shown = (el, r, st) => !((r.width === 0 && r.height === 0) || st.visibility === 'hidden'
                                 || r.right <= 0 || r.bottom <= 0);
  const small = [], tiny = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const r = el.getBoundingClientRect(), st = getComputedStyle(el), p = el.parentElement;
    if (!shown(el, r, st)) continue;
    const inSentence = st.display === 'inline' && p && p.textContent.trim() !== el.textContent.trim();
    if (!inSentence && (r.height < 47.5 || r.width < 47.5))
      small.push(`${el.tagName} "${(el.textContent || el.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || el.closest('svg')) continue;
    const st = getComputedStyle(el);
    if (!shown(el, el.getBoundingClientRect(), st)) continue;
    if (parseFloat(st.fontSize) < 17.95)
      tiny.push(`${el.tagName} "${walker.currentNode.textContent.trim().slice(0, 30)}" ${st.fontSize}`);
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize), small, tiny};
}"""


def test_every_page_route_has_sample_values(app):
    assert missing_samples(app) == [], "add sample URL values for these pages to tests/public_pages.py SAMPLES"


def with_axe(ctx):
    """Load axe-core into every page the context opens (faster than injecting it after each navigation)."""
    from axe_playwright_python.sync_playwright import Axe

    ctx.add_init_script(script=Axe().axe_script)
    return ctx


def axe_violations(tab, options: dict = STANDARD) -> list[dict]:
    return tab.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s): {targets}")
    return "\n".join(lines)


def care_page_problems(tab, where: str) -> list[str]:
    """What a page in care mode at phone width must not have: axe findings with AAA contrast, tap targets
    under 48 px or text under 18 px, a sideways scroll."""
    problems = []
    violations = axe_violations(tab, AAA_CONTRAST)
    if violations:
        problems.append(f"{where}: axe (care mode, AAA contrast):\n{_describe(violations)}")
    sizes = tab.evaluate(CARE_MEASURE)
    if sizes["small"] or sizes["tiny"]:
        problems.append(f"{where}: tap targets under 48 px {sizes['small'][:5]} or text under 18 px {sizes['tiny'][:5]}")
    if not no_horizontal_scroll(tab):
        problems.append(f"{where}: scrolls sideways")
    return problems


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
@pytest.mark.parametrize("phone", ["phone-360", "phone-390"])
def test_axe_finds_no_violations_on_any_public_page(app, live_server, browser_context_factory, phone, care):
    seeded = seed(app)
    server = live_server(app)
    pages = public_pages(app, seeded)
    kinds = {p.endpoint for p in pages}
    assert {"public.home", "public.item", "search.results", "feedback.track", "feedback.lookup"} <= kinds

    ctx = with_axe(browser_context_factory(phone))
    if care:
        ctx.add_cookies([{"name": "care", "value": "1", "url": server.url}])
    tab = ctx.new_page()
    problems: list[str] = []
    for p in pages:
        response = tab.goto(server.url + p.path)
        assert response.status == p.status, p.path
        assert tab.evaluate("document.documentElement.classList.contains('care')") is care, p.path
        if not tab.locator(f"header a[href*='/care?on={0 if care else 1}']").is_visible():
            problems.append(f"{p.path}: no visible care-mode switch in the header")
        violations = axe_violations(tab, AAA_CONTRAST if care else STANDARD)
        if violations:
            problems.append(f"{p.path}:\n{_describe(violations)}")
        sizes = tab.evaluate(CARE_MEASURE)
        if care:
            if sizes["body"] < 18 or sizes["tiny"]:
                problems.append(f"{p.path}: care-mode text under 18px (body {sizes['body']}px): {sizes['tiny'][:5]}")
            if sizes["small"]:
                problems.append(f"{p.path}: care-mode tap targets under 48px: {sizes['small'][:5]}")
        else:
            assert sizes["body"] == 16, p.path
        if not no_horizontal_scroll(tab):
            problems.append(f"{p.path}: scrolls sideways at {phone}")
        screenshot(tab, f"{p.name}-{phone}{'-care' if care else ''}")
    assert not problems, "\n".join(problems)


# Links that stand alone, not inside running text: the whole text of their paragraph, list item or
# definition, or marked .standalone (a back link beside another, the feed link after a sentence).
STANDALONE_LINKS = """() => [...document.querySelectorAll('main a[href]')].filter(a => {
  const p = a.parentElement, r = a.getBoundingClientRect();
  if (!r.height || a.closest('nav, .chips, .cards, table')) return false;
  return a.matches('.standalone') || (['P', 'LI', 'DD'].includes(p.tagName) && p.textContent.trim() === a.textContent.trim());
}).filter(a => a.getBoundingClientRect().height < 43.5).map(a => `"${a.textContent.trim().slice(0, 30)}" ${Math.round(a.getBoundingClientRect().height)} px`)"""


def test_standalone_links_are_44px_tall_in_standard_mode(app, live_server, browser_context_factory):
    """WCAG 2.2 2.5.8 asks 24 px for a target without room around it, and older residents need more; the back,
    feed, more-results and deadline links were 18-19 px tall in standard mode (care mode gives every link 48)."""
    seeded = seed(app)
    server = live_server(app)
    tab = browser_context_factory("phone-360", java_script_enabled=False).new_page()
    item = "/zh/plans/2023-city-management/items/2.3"
    problems = []
    for path, status in [("/zh/no-such-page", 404), (item, 200), (item + "/history", 200), ("/zh/search?q=违建", 200),
                         ("/zh/plans/2023-city-management/progress", 200), (f"/zh/feedback/{seeded['tracking']}", 200),
                         (f"/en/feedback/{seeded['published']}", 200)]:
        assert tab.goto(server.url + path).status == status, path
        if small := tab.evaluate(STANDALONE_LINKS):
            problems.append(f"{path}: {small}")
    assert not problems, "standalone links under 44 px:\n" + "\n".join(problems)


def _unmarked_standalone_links(html: bytes) -> list[str]:
    """Links that are the whole content of their paragraph, list item, definition or box in <main>, without
    .standalone: the structure STANDALONE_LINKS measures, read from the markup."""
    from lxml import html as lxml_html

    main = lxml_html.fromstring(html).find(".//main")
    out = []
    for a in main.iter("a") if main is not None else []:
        p = a.getparent()
        if a.get("href") is None or "standalone" in (a.get("class") or "").split():
            continue
        if any(el.tag in ("nav", "table") or {"chips", "cards"} & set((el.get("class") or "").split())
               for el in a.iterancestors()):
            continue
        if p.tag in ("p", "li", "dd", "dt", "div") and p.text_content().strip() == a.text_content().strip():
            out.append(f'<{p.tag}><a href="{a.get("href")}">{a.text_content().strip()[:30]}</a>')
    return out


def test_every_link_alone_in_its_block_is_marked_standalone(app, client):
    """The 44 px of a link alone on its line comes from class="standalone" (CSS cannot see that a link has no
    text beside it): a template that forgets the class gives residents an 18 px target. Every public page, in
    both languages, with its variants."""
    seeded = seed(app)
    problems = []
    for page in public_pages(app, seeded):
        response = client.get(page.path)
        assert response.status_code == page.status, page.path
        if small := _unmarked_standalone_links(response.data):
            problems.append(f"{page.path}: {small}")
    assert not problems, "links alone in their block without class=\"standalone\":\n" + "\n".join(problems)
