"""Every public page carries a description from its own content, Open Graph tags and a canonical link,
so a link pasted into a chat app shows what the page is."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from public_pages import page_endpoints, public_pages, seed


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a["href"])
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def _head(html: bytes) -> Head:
    h = Head()
    h.feed(html.decode())
    return h


@pytest.fixture
def pages(app):
    seeded = seed(app)
    return [p for p in public_pages(app, seeded) if p.status == 200]


def test_every_public_page_has_sharing_tags(app, pages):
    client = app.test_client()
    assert {p.endpoint for p in pages} >= set(page_endpoints(app)) - {"public.care_mode"}
    descriptions: dict[tuple[str, str], str] = {}
    for p in pages:
        h = _head(client.get(p.path, base_url="https://zj.example.cn").data)
        assert h.canonical == [f"https://zj.example.cn{p.path}"], p.name
        assert h.meta["og:url"] == h.canonical[0], p.name
        assert h.meta["og:locale"] == {"zh": "zh_CN", "en": "en_GB"}[p.lang], p.name
        assert h.meta["og:type"] in ("website", "article"), p.name
        assert h.meta["og:title"] and h.meta["og:title"] in h.title, p.name
        assert 10 <= len(h.meta["description"]) <= 200 and h.meta["og:description"] == h.meta["description"], p.name
        if not p.variant:
            descriptions.setdefault((p.endpoint, p.lang), h.meta["description"])
    # Each kind of page says what it is rather than repeating the site's description.
    for lang in ("zh", "en"):
        by_text: dict[str, list[str]] = {}
        for (endpoint, page_lang), d in descriptions.items():
            if page_lang == lang:
                by_text.setdefault(d, []).append(endpoint)
        # The site's home is the current plan's home under a shorter address; it may say the same.
        shared = [e for e in by_text.values() if len(e) > 1 and set(e) != {"public.home", "public.plan_home"}]
        assert shared == [], lang


def test_descriptions_come_from_the_page_content(app, client):
    from portal.services.content import content

    with app.app_context():
        store = content()
        item, office = store.item("2.3"), store.offices[0]
        first_item_of_office = store.items_by_office(office.slug)[0]
    for lang in ("zh", "en"):
        h = _head(client.get(f"/{lang}/plans/2023-city-management/items/2.3").data)
        assert h.meta["description"][:40] == item.summary.get(lang)[:40]
        assert h.meta["og:title"].startswith(f"2.3 {item.title.get(lang)}")
        h = _head(client.get(f"/{lang}/plans/2023-city-management/offices/{office.slug}").data)
        assert office.name.get(lang) in h.meta["description"]
        assert first_item_of_office.title.get(lang)[:10] in h.meta["description"]


def test_public_url_setting_is_the_canonical_host(app_factory):
    app = app_factory(PUBLIC_URL="https://zj.example.gov.cn/")
    h = _head(app.test_client().get("/en/plans/2023-city-management/items/2.3?utm_source=wechat").data)
    assert h.canonical == ["https://zj.example.gov.cn/en/plans/2023-city-management/items/2.3"]  # a tag in the link is not another page
    h = _head(app.test_client().get("/en/search?q=lift").data)
    assert h.canonical == ["https://zj.example.gov.cn/en/search?q=lift"]  # a search's query is


@pytest.mark.parametrize("script_root", ["", "/portal"])
def test_language_addresses_are_url_fors_on_every_page(app, pages, script_root):
    """page_addresses() swaps the language in this page's own address instead of asking url_for again:
    on every public page, with a query string and under a script root, it gives what url_for gives."""
    from flask import g, url_for

    from portal.i18n import LANGS, url_in
    from portal.sharing import page_addresses

    for p in pages:
        path = f"{p.path}{'&' if '?' in p.path else '?'}utm_source=wechat&care=1"
        with app.test_request_context(path, base_url="https://zj.example.cn" + script_root):
            app.preprocess_request()
            g.lang = g.get("lang") or (p.lang if p.endpoint.startswith(("public.", "search.", "follow.")) else None)
            expected = {lang: url_in(lang) for lang in LANGS}
            found = page_addresses()
            assert found.in_lang == expected, p.name
            assert found.external == {lang: "https://zj.example.cn" + url for lang, url in expected.items()}, p.name
            assert found.site == url_for("public.root", _external=True), p.name
