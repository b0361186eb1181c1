"""The one place that turns a redirect target taken from the request into a safe same-site path.

Browsers and Werkzeug forgive a lot in a Location header: they drop tabs, newlines and other control
characters, read a backslash as a slash and percent-decode before resolving. So a target is judged
after the same forgiving normalisation; anything that is not then a plain path on this site (no
scheme, no host, not scheme-relative) gives the caller's safe default instead.
"""
from __future__ import annotations

import re
from urllib.parse import quote, unquote, urljoin, urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
MAX_LENGTH = 2000


def _clean(target: str) -> str:
    return _CONTROL.sub("", target).replace("\\", "/").strip()


def _is_local_path(candidate: str, prefix: str) -> bool:
    if not candidate.startswith("/") or candidate.startswith("//"):
        return False
    parts = urlsplit(candidate)
    root = prefix.rstrip("/")
    # The path a browser goes to: dot segments resolved (/staff/../zh/ is /zh/; %2e%2e is judged decoded).
    path = urlsplit(urljoin("http://site/", candidate)).path
    return not parts.scheme and not parts.netloc and (path == root or path.startswith(root + "/"))


def safe_target(target: str | None, default: str, prefix: str = "/") -> str:
    """`target` when, however a browser reads it, it is a path on this site under `prefix`; else `default`."""
    if not target or not isinstance(target, str) or len(target) > MAX_LENGTH:
        return default
    cleaned = _clean(target)
    judged = cleaned
    for _ in range(4):  # doubly encoded forms (%252F) too: every decoded layer must pass
        if not _is_local_path(judged, prefix):
            return default
        decoded = _clean(unquote(judged))
        if decoded == judged:
            break
        judged = decoded
    else:
        return default
    # What goes into the header is ASCII: anything else is percent-encoded as a browser would send it.
    return quote(cleaned, safe="/?&=#%+:;,@!$'()*~-._")
