"""Rendered parts of public pages, kept in Flask-Caching and keyed on the data version.

The body of a page such as a work point's (its facts, updates, projects and published comments), the
home page, an action area or the progress dashboard is the same for
every reader of one address until the database, the release or the date changes, and rendering it is
most of a page's cost. So it is rendered once and kept under a key made of exactly those things: the
shared data version (read once a request, services/data_version.py), the release fingerprint, today's
date and the full address (language and page numbers included). A status change gives a new data
version, so every node renders afresh at its next request; nothing is expired by hand and nothing stale
can be shown. What differs per request (header, care mode, flashed messages, the comment form with a
resident's words and errors) is rendered around it every time. Only GET and HEAD use the store: a form
sent back with errors is rendered as it is.

A part that is the same on many addresses (the search page's filter choices, the line under a search
hit) is keyed on named parts instead of the address: `cached(..., on=(lang, ...))` and `cached_each`.
Whoever passes `on` names everything the part shows besides the data version, release and date, and
nothing a reader typed that the part does not show. A part that shows no database data (given
`data=False`: the filter choices come from content files, a hit's line from the search index) is keyed
without the data version, so showing it costs no database read.

The store is PORTAL_CACHE_TYPE (SimpleCache: per worker, at most PORTAL_CACHE_THRESHOLD entries).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

from cachelib.serializers import BaseSerializer
from flask import Flask, Response, current_app, render_template, request
from markupsafe import Markup
from pydantic import BaseModel

from .extensions import cache
from .http_caching import page_state, release_state, shared_state

K = TypeVar("K", bound=Hashable)


def cached(name: str, render: Callable[[], str], on: tuple[str, ...] | None = None, data: bool = True) -> Markup:
    """The HTML part called `name` of the page at this address (or, given `on`, of every page where it
    depends on those parts alone): from the store, or `render()` and kept."""
    return Markup(cached_text(name, render, on, data))  # nosec B704: autoescaped template output, kept as rendered


def cached_text(name: str, render: Callable[[], str], on: tuple[str, ...] | None = None, data: bool = True) -> str:
    """Any text (HTML, JSON) called `name` of the answer at this address: from the store, or `render()`."""
    key = _key(name) if on is None else _named_key(name, _shared_state(data), on)
    if key is None:
        return str(render())
    body = cache.get(key)
    if body is None:
        body = str(render())
        cache.set(key, body)
    return body


def cached_json(name: str, build: Callable[[], BaseModel]) -> Response:
    """An API answer kept as its JSON text: the model is built (and its queries run) only when rendered."""
    text = cached_text(name, lambda: current_app.json.response(build().model_dump(mode="json")).get_data(as_text=True))
    return current_app.response_class(text, mimetype="application/json")


def render_with_body(template: str, body_template: str, load: Callable[[], dict], **context) -> str:
    """A page whose body (`body_template`, given `context` and what `load()` returns) is kept, inside its
    layout (`template`, given `context` and the body as `body`). `load` runs only when the body is
    rendered, so a kept body costs none of its queries."""
    body = cached(body_template, lambda: render_template(body_template, **context, **load()))
    return render_template(template, body=body, **context)


def cached_each(name: str, on: Mapping[K, tuple[str, ...]],
                render: Callable[[list[K]], Mapping[K, str]], data: bool = True) -> dict[K, Markup]:
    """Several parts of one kind (one per search hit), each keyed on its own named parts `on[k]`:
    those not kept are rendered together by `render(missing)`, so their queries run once."""
    shared = _shared_state(data)
    keys = {k: _named_key(name, shared, parts) for k, parts in on.items()}
    kept = cache.get_many(*keys.values()) if shared else [None] * len(keys)
    found = dict(zip(keys, kept))
    missing = [k for k, body in found.items() if body is None]
    if missing:
        fresh = {k: str(body) for k, body in render(missing).items()}
        if shared:
            cache.set_many({keys[k]: fresh[k] for k in missing})
        found.update(fresh)
    return {k: Markup(body) for k, body in found.items()}  # nosec B704: autoescaped template output, as rendered


def _key(name: str) -> str | None:
    if request.method not in ("GET", "HEAD"):
        return None
    return "fragment:" + "\0".join((name, *page_state()))


def _shared_state(data: bool = True) -> tuple[str, ...]:
    """What every kept part depends on (empty when nothing is kept); `data`: whether it shows database data."""
    if request.method not in ("GET", "HEAD"):
        return ()
    return shared_state() if data else release_state()


def _named_key(name: str, shared: tuple[str, ...], parts: tuple[str, ...]) -> str | None:
    if not shared:
        return None
    # The parts themselves, joined: hashing them (as a key for a store with a length limit, which none of
    # PORTAL_CACHE_TYPE's is) cost 0.6% of a search, with four parts a page.
    return "fragment-on:" + "\0".join((name, *shared, *parts))


class TextAsItIs(BaseSerializer):
    """What SimpleCache keeps of a part: the string itself. SimpleCache pickles each value it keeps and
    unpickles it on every read, so that a caller changing what it was given cannot change what is kept; a
    string cannot be changed. Decoding the parts a search page reads (its filter choices and hit lines,
    Chinese text) from pickle's UTF-8 was 1.3% of a search's instructions. Only text is kept here."""

    def dumps(self, value, protocol=None):
        if type(value) is not str:
            raise TypeError(f"the page-part store keeps rendered text, not {type(value).__name__}")
        return value

    def loads(self, value):
        return value


def init_app(app: Flask) -> None:
    if app.config.get("CACHE_TYPE") == "SimpleCache":  # a shared store (RedisCache) needs bytes: its own serializer
        app.config.setdefault("CACHE_SERIALIZER", TextAsItIs())
    with warnings.catch_warnings():
        # NullCache (render everything every time) is a setting chosen on purpose, not a slip.
        warnings.filterwarnings("ignore", "Flask-Caching: CACHE_TYPE is set to NullCache")
        cache.init_app(app)
