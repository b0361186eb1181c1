"""Standard HTTP caching for public pages: an ETag made from the shared data version, 304 on revalidation.

A public page depends on the database (status, sites, published comments, marks), on the release (code,
templates, translations, content files, the settings pages show), on today's date (the "deadline passed" text), and on the request
(address, which names the language, and the care-mode cookie; the feeds and the API, whose addresses name no
language, carry both and answer every reader alike). The ETag is a hash of exactly these, computed BEFORE the view
runs: a browser or nginx revalidating with If-None-Match gets a 304 for the cost of one primary-key
read, with nothing rendered. Every node reads the same data version, so whichever node answers, a
change shows at the next revalidation (services/data_version.py).

Headers: `public, max-age=0, s-maxage=N, must-revalidate` — browsers ask every time; a shared cache
(nginx) may answer alone for N seconds (PUBLIC_CACHE_SECONDS, 1 by default: nginx does not store a
page it may keep for 0 seconds) and then revalidates. `Vary: Accept-Encoding`, not `Cookie`: of all the
cookies a browser may send (analytics, the marks cookie…) only care=1 changes an answer, and `Vary: Cookie`
made nginx keep a copy per distinct Cookie header, so a visitor with any cookie of their own missed the
cache. nginx keys on that cookie instead (deploy/nginx.conf); a browser revalidates every time, and the
ETag names it; a session cookie is never served a shared copy.
The ETag is weak: the brotli, gzip and plain bodies are the same page, and Flask-Compress leaves weak
ETags as they are, so one validator answers 304 for every encoding.

Requests with a session cookie (staff, a resident reading a message flashed after a form) are not
revalidated and leave `private, no-cache`: their pages may hold what others must not see.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session

from .config import SHOWN_ON_PAGES, SWITCHES_ON_PAGES
from .services import data_version
from .services.clock import today
from .machine_paths import same_for_every_reader
from .page_address import site_host

CACHED_BLUEPRINTS = frozenset({"public", "search", "api"})
# Search result pages reach the app every time so the search log counts each search; the search API
# answers from each node's own index, which may trail the data version by a few seconds.
NOT_CACHED_ENDPOINTS = frozenset({"public.care_mode", "public.root", "search.results", "search.go"})
RESIDENT_BLUEPRINTS = CACHED_BLUEPRINTS | {"feedback", "follow", "search_api"}
RELEASE_SUFFIXES = frozenset({".py", ".html", ".js", ".css", ".svg", ".mo", ".yaml", ".yml", ".md", ".json"})


def release_fingerprint(app: Flask) -> str:
    """A hash of what the code, templates, catalogs and content files say, and of the settings pages show,
    made once at start-up: the same on every node of one release, new with every deploy (file contents,
    not mtimes) and with every restart that changes such a setting (config.SHOWN_ON_PAGES)."""
    files = _fingerprint((app.root_path, app.config["BABEL_TRANSLATION_DIRECTORIES"], app.config["CONTENT_DIR"]))
    shown = [f"{name}={app.config.get(name) or ''}" for name in SHOWN_ON_PAGES]
    shown += [f"{name}={bool(app.config.get(name))}" for name in SWITCHES_ON_PAGES]
    return hashlib.sha256("\0".join([files, *shown]).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=8)  # once per process: tests build many apps from the same files
def _fingerprint(roots: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for root in map(Path, roots):
        for path in sorted(p for p in root.rglob("*") if p.suffix in RELEASE_SUFFIXES and p.is_file()):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def answers_304(endpoint: str) -> bool:
    """Whether a GET of `endpoint` carries an ETag and answers If-None-Match with a 304 (the API's document says so)."""
    return endpoint.partition(".")[0] in CACHED_BLUEPRINTS and endpoint not in NOT_CACHED_ENDPOINTS


def _cacheable() -> bool:
    req = request._get_current_object()  # proxies read once: docs/architecture.md
    return (req.method in ("GET", "HEAD") and req.endpoint is not None and answers_304(req.endpoint)
            and current_app.config["SESSION_COOKIE_NAME"] not in req.cookies)


def shared_state() -> tuple[str, ...]:
    """What every public page depends on: the shared data version, the release and today's date."""
    return data_version.for_request(), *release_state()


def release_state() -> tuple[str, ...]:
    """What a part made of content alone depends on (no database data): the release and today's date."""
    app = current_app._get_current_object()  # proxies read once: docs/architecture.md
    return app.extensions["release"], today(app).isoformat()


def page_state() -> tuple[str, ...]:
    """What a public page at this address depends on besides the request's language and cookies (the
    ETag and the kept page parts both use it)."""
    if "page_state" not in g:  # the ETag and each kept part of the page ask for it
        g.page_state = (*shared_state(), _address())
    return g.page_state


def _address() -> str:
    """This request's full address as a key, from its parts as they came (request.url decodes and
    rebuilds them: 31 µs against 2.5 µs, in-process)."""
    return f"{site_host()}{request.script_root}{request.path}?{request.query_string.decode('latin-1')}"


def _etag() -> str:
    # A page's address names its language (/zh/, /en/), and care mode changes its look. The feeds and the
    # API answer every reader alike (a feed's address names its language, or it carries both): one ETag
    # (and one cached copy) whatever the reader's language cookie or care mode.
    looks = g.get("lang") and not same_for_every_reader(request.path)
    parts = (*page_state(), request.cookies.get("care", "")) if looks else page_state()
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _revalidate() -> Response | None:
    """Before the view: 304 when the visitor's copy is current, else note the ETag for the answer."""
    if not _cacheable():
        return None
    g.etag = _etag()
    # "*" matches any current page (RFC 9110 13.1.2): whether there is one (and not a 404) only the view knows.
    if not request.if_none_match.star_tag and request.if_none_match.contains_weak(g.etag):
        return _headers(Response(status=304))
    return None


def _headers(response: Response) -> Response:
    etag = g.get("etag")
    req = request._get_current_object()  # proxies read once: docs/architecture.md
    # A page that wrote to the session (Flask sets its cookie after this hook) is never shared.
    if etag and response.status_code in (200, 304) and not session.modified and "Set-Cookie" not in response.headers:
        if response.status_code == 200 and req.if_none_match.star_tag:
            response = Response(status=304)  # If-None-Match: * and the page exists
        response.set_etag(etag, weak=True)
        seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
        response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}, must-revalidate"
        response.vary.add("Accept-Encoding")  # not Cookie, nor Accept-Language: see _etag
        # Flask adds `Vary: Cookie` to any answer whose template looked at the session (flashed messages). This
        # answer came without a session cookie and sets none, and a request with one is never given a shared
        # copy (private, and nginx bypasses its cache): the header would only split nginx's cache by every
        # other cookie a browser sends (docs/deploy.md, "Caching").
        session.accessed = False
    elif (req.method in ("GET", "HEAD") and req.blueprint in RESIDENT_BLUEPRINTS
          and "Cache-Control" not in response.headers):
        # Search results, tracking pages, forms answered with errors, anything with a session.
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("PUBLIC_CACHE_SECONDS", 1)
    app.extensions["release"] = release_fingerprint(app)
    # First of all before-request functions: a 304 needs none of the others (they guard sessions and POSTs).
    app.before_request_funcs.setdefault(None, []).insert(0, _revalidate)
    app.after_request(_headers)
