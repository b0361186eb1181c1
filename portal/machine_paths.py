"""Addresses read by programs rather than people: the Atom feeds and the JSON API.

Their answers are the same for every reader (care mode changes only the HTML pages), so they have one
ETag and one cached copy; their errors come in their own format, not the HTML error page. nginx tells
them apart the same way (the `$portal_reader_variant` map in deploy/nginx.conf)."""
from __future__ import annotations

API_PREFIX = "/api/"
FEED_SUFFIX = "/feed.atom"


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX)


def is_feed(path: str) -> bool:
    return path.endswith(FEED_SUFFIX)


def same_for_every_reader(path: str) -> bool:
    return is_feed(path) or is_api(path)
