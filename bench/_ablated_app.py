"""The portal with parts of its search page switched off, for bench/ablation.py only: never served.

Served as `bench._ablated_app:ablated_app()`; PORTAL_BENCH_ABLATE names the parts, comma-separated.
Each part's stand-in does none of that part's work, so the server CPU a search saves against the whole
portal, in the same load, is what the part costs a loaded worker. The pages served this way are wrong
on purpose (every search shows the same hits, snippets say nothing); they are only timed.
"""
from __future__ import annotations

import os

from markupsafe import Markup

import portal.search.query as query
import portal.search.routes as routes
from portal.services import search_log


def _replace(owner, name: str, stand_in) -> None:
    # A renamed function would leave its part running and its figure wrong: fail instead.
    if not hasattr(owner, name):
        raise RuntimeError(f"bench/_ablated_app.py: {owner.__name__}.{name} is gone; update the stand-in")
    setattr(owner, name, stand_in)


def _the_search_once(app) -> None:
    # The hits of one real search, answered again for every query: the page still shows three hits
    # with their lines, links and snippets, and the search log still records every query.
    real, kept = routes.search, {}

    def search(raw, lang="zh", filters=None, limit=30, more=False):
        if lang not in kept:
            kept[lang] = real("加装电梯", lang, filters, limit=limit, more=more)
        return kept[lang]

    _replace(routes, "search", search)


def _no_expansion(app) -> None:
    _replace(query, "expand", lambda text: [])


def _no_snippets(app) -> None:
    _replace(query, "snippet", lambda item, terms, lang: Markup("…"))


def _no_compression(app) -> None:
    hooks = app.after_request_funcs[None]
    kept = [f for f in hooks if getattr(f, "__qualname__", "") != "Compress.after_request"]
    if len(kept) != len(hooks) - 1:
        raise RuntimeError("bench/_ablated_app.py: Flask-Compress's after-request hook not found")
    app.after_request_funcs[None] = kept


def _no_filter_form(app) -> None:
    _replace(routes, "filter_form", lambda store, lang, filters: Markup(""))


def _no_hit_lines_or_links(app) -> None:
    _replace(routes, "hit_lines", lambda hits, lang: {(h.item.plan, h.code): Markup("") for h in hits})
    _replace(routes, "_hit_links", lambda found, *args: {(h.item.plan, h.code): "#" for h in found.hits})


def _no_page_addresses(app) -> None:
    from portal.sharing import PageAddresses

    fixed = PageAddresses({"zh": "/zh/search", "en": "/en/search"},
                          {"zh": "http://localhost/zh/search", "en": "http://localhost/en/search"},
                          "http://localhost/zh/search", "http://localhost/")
    if "page_addresses" not in app.jinja_env.globals:
        raise RuntimeError("bench/_ablated_app.py: the page_addresses template global is gone")
    app.jinja_env.globals["page_addresses"] = lambda *args: fixed


def _no_search_log(app) -> None:
    _replace(search_log, "record_search", lambda *args, **kwargs: None)


PARTS = {
    "the search (one answer kept)": _the_search_once,
    "alias and thesaurus expansion": _no_expansion,
    "snippets": _no_snippets,
    "compression": _no_compression,
    "filter form": _no_filter_form,
    "hit lines and links": _no_hit_lines_or_links,
    "language and sharing addresses": _no_page_addresses,
    "search log": _no_search_log,
}


def ablated_app():
    from wsgi import app

    for part in filter(None, os.environ.get("PORTAL_BENCH_ABLATE", "").split(",")):
        PARTS[part](app)
    return app
