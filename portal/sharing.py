"""Sharing tags: the canonical address and Open Graph locale of a public page, for base.html.

A link pasted into a chat app shows the page's own title and description (read from the page's
`title` and `description` template blocks, so they always come from what the page says).
"""
from __future__ import annotations

from flask import Flask, g, request, url_for

from .services.posters import absolute_url

OG_LOCALES = {"zh": "zh_CN", "en": "en_GB"}
# Pages whose query string is part of what they show; elsewhere it is noise (tracking tags, care=…)
# and would split one page into many addresses.
QUERY_MATTERS = frozenset({"search.results"})


def canonical_url() -> str:
    """This page in its language, on the public address (PORTAL_PUBLIC_URL when set)."""
    args = {**(request.view_args or {}), "lang": g.lang}
    if request.endpoint in QUERY_MATTERS:
        args = {**request.args.to_dict(flat=True), **args}
    return absolute_url(url_for(request.endpoint, **args))


def init_app(app: Flask) -> None:
    @app.context_processor
    def _sharing():
        return {"canonical_url": canonical_url, "og_locales": OG_LOCALES}
