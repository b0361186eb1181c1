"""Addresses from before plans had their own pages: each answers a 301 to that page of the plan they were
published for (LEGACY_PLAN, the 2023 plan), whichever plan is current now.

One table, one view: (old rule, endpoint of the page that now lives under /<lang>/plans/<slug>/)."""
from __future__ import annotations

from flask import g, redirect, request, url_for

from ..page_address import query_kept
from ..services.content import legacy_plan

from . import bp

OLD_ADDRESSES = [
    ("/<lang>/items/", "public.item_list"),
    ("/<lang>/items/<code>", "public.item"),
    ("/<lang>/items/<code>/history", "public.item_history"),
    ("/<lang>/items/<code>/poster", "public.item_poster"),
    ("/<lang>/items/<code>/feed.atom", "public.item_feed"),
    ("/<lang>/items/<code>/feedback", "feedback.submit_reloaded"),
    ("/<lang>/items/<code>/sites/<int:site_id>", "public.site"),
    ("/<lang>/items/<code>/sites/<int:site_id>/poster", "public.site_poster"),
    ("/<lang>/items/<code>/sites/<int:site_id>/feed.atom", "public.site_feed"),
    ("/<lang>/areas/<int:number>", "public.area"),
    ("/<lang>/areas/<int:number>/feed.atom", "public.area_feed"),
    ("/<lang>/offices/", "public.offices"),
    ("/<lang>/offices/<slug>", "public.office"),
    ("/<lang>/offices/<slug>/feed.atom", "public.office_feed"),
    ("/<lang>/months/", "public.months"),
    ("/<lang>/months/<month>", "public.month"),
    ("/<lang>/places/", "public.places"),
    ("/<lang>/places/<slug>", "public.place"),
    ("/<lang>/places/<slug>/feed.atom", "public.place_feed"),
    ("/<lang>/notice", "public.notice"),
    ("/<lang>/progress", "public.progress"),
    ("/<lang>/feed.atom", "public.feed"),
    ("/feed.atom", "public.feed"),
]
OLD_ENDPOINTS = {f"public.old_{n}": target for n, (_rule, target) in enumerate(OLD_ADDRESSES)}


def old_endpoint(rule: str) -> str:
    """The endpoint answering the old address `rule` with its 301."""
    return f"public.old_{[r for r, _target in OLD_ADDRESSES].index(rule)}"


def _moved(**values):
    target = OLD_ENDPOINTS[request.endpoint]
    if g.get("lang"):
        values["lang"] = g.lang
    # The query string goes along (?comments=2 …), by the rules of every link to a page (page_address).
    return redirect(url_for(target, **{**query_kept(target), "plan": legacy_plan(), **values}), code=301)


for n, (rule, _target) in enumerate(OLD_ADDRESSES):
    bp.add_url_rule(rule, endpoint=f"old_{n}", view_func=_moved, methods=["GET"])
