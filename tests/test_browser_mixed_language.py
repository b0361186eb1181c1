"""Chinese words on English pages carry lang="zh-Hans", so a screen reader reads them with a Chinese voice
instead of skipping them or spelling them out: the notice's document number and issuer, official names,
the official text. Resident comments, staff replies and residents' names (in <bdi>) are left out: their
language is whatever the writer typed."""
from __future__ import annotations

from public_pages import seed

# Text nodes with a Chinese character whose nearest lang is not Chinese.
UNMARKED = r"""() => {
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!/[\u3400-\u9fff\u3000-\u303f\uff01-\uff60]/.test(node.textContent) || el.closest('script, .comment-body, .reply, bdi')) continue;
    if (!el.closest('[lang]').getAttribute('lang').startsWith('zh')) out.push(node.textContent.trim().slice(0, 60));
  }
  return out;
}"""

PLAN = "/en/plans/2023-city-management"


def test_chinese_text_on_english_pages_is_marked(app, live_server, browser_context_factory):
    seeded = seed(app)
    server = live_server(app)
    tab = browser_context_factory("phone-360", java_script_enabled=False).new_page()
    problems = []
    for path in ("/en/", PLAN + "/areas/2", PLAN + "/items/2.3", PLAN + "/items/2.3/history", PLAN + "/notice",
                 PLAN + "/progress", "/en/plans/", "/en/search?q=lift", "/en/search?q=zzzzqqq", "/en/feedback/",
                 f"/en/feedback/{seeded['published']}", PLAN + "/items/99.99", "/en/privacy"):
        tab.goto(server.url + path)
        unmarked = tab.evaluate(UNMARKED)
        if unmarked:
            problems.append(f"{path}: {unmarked[:4]}")
    assert not problems, "Chinese text without lang=zh-Hans on English pages:\n" + "\n".join(problems)
