"""Items of other plans: finding "<plan-slug>/<code>" references and the links between plans' items.

The plans the site serves come from the registry (services.content); others (not published yet)
are loaded here on first use and kept for the process (content is read-only at run time). A plan
that does not load (an imported plan whose offices are not added yet) is simply not there to link to.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from ..content import ContentError, ContentStore, Item, Plan, load_content, renumbered
from .content import content, registry

_CACHE_KEY = "portal_other_plans"


@dataclass(frozen=True)
class ItemRef:
    """An item of a named plan, as found in the loaded content."""

    plan: Plan
    item: Item

    @property
    def ref(self) -> str:
        return f"{self.plan.slug}/{self.item.code}"


def current_slug() -> str:
    """The plan the site serves now (its /<lang>/ home and /api/v1/items)."""
    return registry().current


def plan_store(slug: str) -> ContentStore | None:
    store = registry().store(slug) if slug else None
    if store is not None:
        return store
    cache = current_app.extensions.setdefault(_CACHE_KEY, {})
    if slug not in cache:
        try:
            cache[slug] = load_content(current_app.config["CONTENT_DIR"], slug)
        except ContentError:
            cache[slug] = None
    return cache[slug]


def all_stores() -> list[ContentStore]:
    """Every plan that loads, newest first."""
    return [s for s in (plan_store(p.slug) for p in content().plans) if s is not None]


def find(ref: str | None) -> ItemRef | None:
    slug, _, code = (ref or "").partition("/")
    store = plan_store(slug) if slug and code else None
    item = store.item(code) if store else None
    return ItemRef(store.plan, item) if item else None


def continued_ref(item: Item) -> str | None:
    """The "<plan-slug>/<code>" an item's `continues:` means: the code it names, unless a renumbering of that
    plan moved the point it named while the line stayed as it was (content/renumbered.py); None when that
    point was struck out (its code may be another point's now)."""
    slug, _, code = (item.continues or "").partition("/")
    store = plan_store(slug) if slug and code else None
    now = renumbered.code_now(store.renumbered, f"{item.plan}/{item.code}", code) if store else None
    if now is None:
        return item.continues
    return f"{slug}/{now}" if now else None


def declared_continuations(slug: str, code: str) -> list[ItemRef]:
    """Items of other plans whose content file says they continue <slug>/<code> (continued_ref)."""
    target = f"{slug}/{code}"
    return [ItemRef(s.plan, i) for s in all_stores() if s.plan.slug != slug
            for i in s.items if i.continues and continued_ref(i) == target]


def item_url(ref: ItemRef, lang: str) -> str | None:
    """The page of an item of any plan the site serves, or None for a plan it does not (not published)."""
    if registry().store(ref.plan.slug) is None:
        return None
    return url_for("public.item", lang=lang, plan=ref.plan.slug, code=ref.item.code)
