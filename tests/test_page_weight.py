"""What a phone downloads for each public page, recorded in real Chromium with an empty cache.

Every request must stay on the site (no third-party hosts, no web fonts); HTML + CSS + any JS
together at most 50 KB as transferred (compressed, headers included); static files only under
content-hashed /assets/ names with a one-year immutable cache lifetime.
"""
from __future__ import annotations

import re

from public_pages import public_pages, seed

BUDGET = 50 * 1024
HASHED_ASSET = re.compile(r"^/assets/.+\.[0-9a-f]{10}\.[a-z0-9]+$")


def test_every_public_page_is_small_same_origin_and_font_free(app, live_server, browser_context_factory):
    from urllib.parse import urlsplit

    server = live_server(app)
    seeded = seed(app)
    report: list[str] = []
    problems: list[str] = []
    for p in public_pages(app, seeded):
        ctx = browser_context_factory("phone-360")  # a new context: nothing cached
        tab = ctx.new_page()
        responses = []
        tab.on("response", lambda response: responses.append(response))
        tab.goto(server.url + p.path)  # returns at the load event: the page and its CSS are in
        for response in responses:
            parts = urlsplit(response.url)
            if f"{parts.scheme}://{parts.netloc}" != server.url:
                problems.append(f"{p.path}: request to another origin: {response.url}")
            elif response.request.resource_type == "font":
                problems.append(f"{p.path}: downloads a font: {response.url}")
            elif response.request.resource_type != "document":
                if not HASHED_ASSET.match(parts.path):
                    problems.append(f"{p.path}: static file without a content-hashed /assets/ name: {parts.path}")
                elif "max-age=31536000" not in (response.headers.get("cache-control") or ""):
                    problems.append(f"{p.path}: {parts.path} lacks a one-year cache lifetime")
        # Bytes on the wire as the browser counts them: compressed bodies plus headers.
        total, count = tab.evaluate("""() => {
            const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
            return [entries.reduce((sum, e) => sum + e.transferSize, 0), entries.length];
        }""")
        if tab.evaluate("document.fonts.size"):
            problems.append(f"{p.path}: declares web fonts")
        document = next(r for r in responses if r.request.resource_type == "document")
        encoding = document.headers.get("content-encoding")
        if p.status == 200 and encoding not in ("gzip", "br"):
            problems.append(f"{p.path}: HTML sent uncompressed (content-encoding {encoding})")
        if total > BUDGET:
            problems.append(f"{p.path}: {total} bytes transferred, over the {BUDGET}-byte budget")
        report.append(f"{total:6d} B  {count} files ({encoding})  {p.path}")
        ctx.close()
    print("\n".join(report))
    assert len(report) >= 20
    assert not problems, "\n".join(problems)
