"""Chinese line breaking on a 360 px phone in care mode (20 px text, so lines are short): a figure and
its unit, a date, a tracking code or a phone number is one word and never starts on one line and ends
on the next ("11" / "万平方米", "2026-" / "11-24", "ZJ-" / "7K3Q9M4XRT"). Chinese text may break between any
two characters, so the browser breaks these unless the page keeps them together."""
from __future__ import annotations

import pytest

from browser_support import screenshot
from portal.templating import ONE_WORD
from public_pages import seed

PHONE = r"1\d{2}[\d*]{4}\d{4}"  # a phone number (kept together by its own markup, not by unbroken)

# Each match of ONE_WORD in a text node whose characters do not all sit on one line box.
SPLIT = r"""(pattern) => {
  const ONE_WORD = new RegExp(pattern, 'g');
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  // A text node may hold only part of a word (the figure in one span, its unit outside): read the
  // text of each block and map matches back to the nodes they cover.
  const blocks = new Map();
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (el.closest('svg, script, style, .visually-hidden, option, .hp') || !el.getClientRects().length) continue;
    let block = el; while (getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!blocks.has(block)) blocks.set(block, []);
    blocks.get(block).push(node);
  }
  for (const [block, nodes] of blocks) {
    let text = '', starts = [];
    for (const n of nodes) { starts.push(text.length); text += n.textContent; }
    for (const m of text.matchAll(ONE_WORD)) {
      const r = document.createRange(), at = i => { let k = starts.length - 1; while (starts[k] > i) k--; return [nodes[k], i - starts[k]]; };
      r.setStart(...at(m.index)); r.setEnd(...at(m.index + m[0].length - 1)); r.setEnd(r.endContainer, r.endOffset + 1);
      const tops = new Set([...r.getClientRects()].filter(b => b.width > 1).map(b => Math.round(b.bottom / 4)));
      if (tops.size > 1) out.push(`"${m[0]}" in "${text.slice(Math.max(0, m.index - 12), m.index + m[0].length + 4).trim()}"`);
    }
  }
  return out;
}"""

# Each match of ONE_WORD in a list's text node that may still break: not inside an element that does not
# wrap. For the lists whose lines come from any title, date or staff note, where a word that fits today may not
# fit tomorrow.
LOOSE = r"""(pattern) => {
  const ONE_WORD = new RegExp(pattern, 'g');
  const out = [], seen = new Set();
  for (const list of document.querySelectorAll('main ol, main ul, main table')) {
    const walker = document.createTreeWalker(list, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, el = node.parentElement;
      if (seen.has(node) || el.closest('svg, .visually-hidden, option, form') || !el.getClientRects().length) continue;
      seen.add(node);
      let kept = false;
      for (let a = el; a && !kept; a = a.parentElement) kept = getComputedStyle(a).whiteSpace === 'nowrap';
      if (!kept) for (const m of node.textContent.matchAll(ONE_WORD)) out.push(`"${m[0]}" in "${node.textContent.trim().slice(0, 40)}"`);
    }
  }
  return out;
}"""

PLAN = "/{lang}/plans/2023-city-management"
PATHS = [PLAN + "/notice", PLAN + "/items/2.3", PLAN + "/items/2.2", PLAN + "/items/3.2.1", PLAN + "/items/2.3/history",
         PLAN + "/areas/2", PLAN + "/progress", "/{lang}/", "/{lang}/search?q=电梯", "/{lang}/feedback/",
         "/{lang}/feedback/{tracking}", "/{lang}/feedback/{published}", "/{lang}/search?q=旧住房改造"]
LISTS = [PLAN + "/progress", "/{lang}/search?q=旧住房改造"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figures_dates_and_codes_stay_on_one_line(app, live_server, browser_context_factory, lang):
    seeded = seed(app)
    server = live_server(app)
    ctx = browser_context_factory("phone-360", java_script_enabled=False)
    ctx.add_cookies([{"name": "care", "value": "1", "url": server.url}])
    tab = ctx.new_page()
    problems = []
    for path in PATHS:
        path = path.format(lang=lang, **seeded)
        assert tab.goto(server.url + path).ok, path
        split = tab.evaluate(SPLIT, PHONE + "|" + ONE_WORD.pattern) + (tab.evaluate(LOOSE, ONE_WORD.pattern) if path in [p.format(lang=lang) for p in LISTS] else [])
        if split:
            problems.append(f"{path}: {split[:6]}")
            screenshot(tab, "line-breaks" + path.replace("/", "-").replace("?", "-"))
    assert not problems, "broken across two lines:\n" + "\n".join(problems)
