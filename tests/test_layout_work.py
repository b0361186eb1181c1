"""What the layout and the search page work out on every request, kept out of it (issue 15): the same
addresses and words for a language are built once, not on each page. Each test counts the work itself
(URL builds, catalogue look-ups), not time, so it holds on any machine."""
from __future__ import annotations

import re
from html import unescape

import pytest
from flask import url_for
from werkzeug.routing import MapAdapter

import portal.template_gettext


@pytest.fixture
def builds(monkeypatch):
    """The URL builds (url_for's work) made while a test runs, by endpoint."""
    made: list[str] = []
    build = MapAdapter.build

    def counted(self, endpoint, *args, **kwargs):
        made.append(endpoint)
        return build(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "build", counted)
    return made


@pytest.mark.parametrize("path", ["/zh/nothing-here", "/en/nothing-here", "/nothing-here"])
def test_page_not_found_builds_no_address(client, builds, path):
    """The cheapest page, the floor under every other: its language switch, feed and home links are the
    language's own, built once (the first request), not with url_for on each 404."""
    assert client.get(path).status_code == 404
    builds.clear()
    assert client.get(path).status_code == 404
    assert builds == []


@pytest.mark.parametrize("path", ["/zh/search", "/en/search?q=zzqqzz"])
def test_search_page_without_hits_builds_no_address_per_suggestion(app, client, builds, path):
    """The page offers a dozen searches and four lists: their addresses come from the language's own
    links, not one url_for each. Only the page's own address (language switch, canonical) is built."""
    client.get(path)
    builds.clear()
    html = client.get(path).get_data(as_text=True)
    assert builds == ["search.results"]
    lang = path.split("/")[1]
    offered = app.extensions["portal_content"].suggestions.get(lang)
    chips = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html.split('class="chips"', 1)[1].split("</ul>", 1)[0])
    with app.test_request_context(f"/{lang}/search"):
        expected = [(url_for("search.results", lang=lang, q=words), words) for words in offered]
    assert [(unescape(href), unescape(words)) for href, words in chips] == expected


def test_templates_look_up_the_catalogue_once_per_language(app, client, monkeypatch):
    """Templates' gettext is bound to the reader's catalogue once per language, not looked up on every
    render (the catalogue's name is built from the locale each time: about 40 calls a page)."""
    for path in ("/zh/search", "/en/search"):
        client.get(path)
    looked_up = []
    lookup = portal.template_gettext.get_translations
    monkeypatch.setattr(portal.template_gettext, "get_translations", lambda: looked_up.append(1) or lookup())
    for path, words in (("/zh/search", "搜索工作要点"), ("/en/search", "Search work points"), ("/zh/nothing-here", "搜索工作要点")):
        assert words in client.get(path).get_data(as_text=True)
    assert looked_up == []
