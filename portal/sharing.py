"""Sharing tags: the canonical address and Open Graph locale of a public page, for base.html.

A link pasted into a chat app shows the page's own title and description (read from the page's
`title` and `description` template blocks, so they always come from what the page says).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request

from .i18n import LANGS, current_lang, url_in
from .page_address import absolute_url, page_path, public_root, shown_page, this_page
from .templating import site_links

OG_LOCALES = {"zh": "zh_CN", "en": "en_GB"}
# Pages whose query string is part of what they show; elsewhere it is noise (tracking tags, care=…)
# and would split one page into many addresses.
QUERY_MATTERS = frozenset({"search.results"})


def canonical_url() -> str:
    """This page in its language, on the public address (PORTAL_PUBLIC_URL when set)."""
    return absolute_url(this_page(lang=g.lang, _query=shown_page()[0] in QUERY_MATTERS))


@dataclass(frozen=True)
class PageAddresses:
    in_lang: dict[str, str]  # this page in each language, its query string kept (the language switch)
    external: dict[str, str]  # the same, absolute (hreflang links)
    canonical: str | None  # None on pages outside the /<lang>/ addresses
    site: str  # the site's own address, absolute (hreflang x-default)


def page_addresses(site_root: str | None = None) -> PageAddresses:
    """The layout's addresses of this page, built together: one url_for serves the language switch, the
    hreflang links and, most of the time, the canonical address. The request, its language and the page
    shown are read once here and passed on (each read of g or request goes through a LocalProxy); base.html
    passes the site's root path from its `links`."""
    lang = g.get("lang")
    shown = shown_page()
    req = request._get_current_object()  # proxies read once: docs/architecture.md
    in_lang = _in_each_language(lang, shown, req.script_root)
    host = public_root()  # absolute_url's prefix, read once (it reads request and current_app, both LocalProxies)
    canonical = None
    if lang:
        same = not req.args or shown[0] in QUERY_MATTERS
        canonical = host + in_lang[lang] if same else canonical_url()
    return PageAddresses(in_lang, {other: host + path for other, path in in_lang.items()}, canonical,
                         host + (site_root or site_links(lang or current_lang())["root"]))


def _in_each_language(lang: str | None, shown: tuple[str | None, dict], script_root: str) -> dict[str, str]:
    """This page in each language (its query string kept). Pages under /<lang>/ differ only in that first
    part of the path, so the other language's address is this one's with the language swapped, rather
    than a second url_for (tests/test_sharing.py checks every public page against url_in)."""
    if not (shown[0] and lang):
        # No page in a language (a page not found): url_in gives each language's home page, built once.
        return {other: site_links(other)["home"] for other in LANGS}
    here = page_path(shown, lang, lang=lang)  # url_in(lang), from what was read already
    prefix = f"{script_root}/{lang}"
    rest = here[len(prefix):]
    if here.startswith(prefix) and rest[:1] in ("", "/", "?"):
        return {other: here if other == lang else f"{script_root}/{other}{rest}" for other in LANGS}
    return {other: here if other == lang else url_in(other) for other in LANGS}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(page_addresses=page_addresses, og_locales=OG_LOCALES)
