"""Whole-response cache for public pages: rendered once, then served from memory, already compressed.

Rendering a work-point page costs milliseconds (templates, translations, queries); sending stored
bytes costs microseconds. For visitors without a session, `FastPath` answers in front of Flask, so
a cached page costs less CPU than a bare Flask hello-world (bench/results/web.md).

What is cached: GET requests to the public, search and API blueprints that answer 200 with HTML,
JSON or XML, rendered for a visitor without a session cookie, when rendering put nothing but a CSRF
token in the session. The token is cut out of the stored page and each visitor's own token is put
back in on every hit, so forms keep their per-visitor CSRF protection. A visitor with flashed
messages waiting is served fresh. Key: scheme, host, path and query string, care-mode cookie.

Freshness: a status update, a project site or a moderated comment (the `item_changed` and
`feedback_changed` signals) rewrites a version file in the instance directory, which every gunicorn
worker checks with one stat() per request; entries also expire after PAGE_CACHE_TTL seconds (60),
so the date-dependent "deadline passed" and any write made without a signal show within a minute.
Bounded by PAGE_CACHE_BYTES per worker (least recently used out first). Off under TESTING unless
PAGE_CACHE is set; PORTAL_PAGE_CACHE=0 turns it off in production.
"""
from __future__ import annotations

import functools
import os
import struct
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from flask import Flask, Response, g, request, session
from werkzeug.http import parse_cookie
from werkzeug.middleware.proxy_fix import ProxyFix

from .session_signing import csrf_token

CACHED_BLUEPRINTS = frozenset({"public", "search", "api", "search_api"})
# Search result pages render every time so the search log (services/search_log.py) counts each search.
NOT_CACHED_ENDPOINTS = frozenset({"public.care_mode", "public.root", "search.results"})
MIMETYPES = frozenset({"text/html", "application/json", "application/atom+xml", "application/rss+xml",
                       "application/xml", "text/xml", "text/csv"})
REPLAYED_HEADERS = frozenset({"cache-control", "content-disposition", "link", "x-robots-tag"})
PLACEHOLDER = b"\x00csrf-token\x00"  # cannot occur in a rendered page: NUL is not valid in HTML or JSON
MIN_COMPRESS = 500
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _raw_deflate(data: bytes, final: bool) -> bytes:
    """A self-contained raw deflate piece: no back-references out of it, ends on a byte boundary."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


@dataclass
class Entry:
    body: bytes  # uncompressed, PLACEHOLDER where the visitor's CSRF token goes
    content_type: str
    headers: list[tuple[str, str]]
    version: int
    expires: float
    segments: list[bytes] = field(default_factory=list)  # body split at PLACEHOLDER, when it has one
    compressed: dict[str, bytes] = field(default_factory=dict)  # "br"/"gzip", for bodies without a token
    deflated: list[bytes] = field(default_factory=list)  # raw deflate of each segment, for token bodies
    final_headers: list[tuple[str, str]] | None = None  # as Flask sent them on a hit, for FastPath

    def __post_init__(self):
        if PLACEHOLDER in self.body:
            self.segments = self.body.split(PLACEHOLDER)
            last = len(self.segments) - 1
            self.deflated = [_raw_deflate(s, i == last) for i, s in enumerate(self.segments)]
        elif len(self.body) >= MIN_COMPRESS:
            self.compressed = {"br": brotli.compress(self.body, quality=9),
                               "gzip": GZIP_HEADER + _raw_deflate(self.body, True)
                               + struct.pack("<II", zlib.crc32(self.body), len(self.body) & 0xFFFFFFFF)}

    @property
    def size(self) -> int:
        return len(self.body) + sum(map(len, self.compressed.values())) + sum(map(len, self.deflated))

    def payload(self, accepted: frozenset[str], token_of_visitor) -> tuple[bytes, str | None]:
        if not self.segments:
            for encoding in ("br", "gzip"):
                if encoding in accepted and encoding in self.compressed:
                    return self.compressed[encoding], encoding
            return self.body, None
        token = token_of_visitor().encode()
        if "gzip" not in accepted:
            return token.join(self.segments), None
        # Splice: the pre-deflated pieces, the token as a stored (uncompressed) deflate block between
        # them, one gzip header and trailer. No compressor is set up per request (that alone is ~0.2 ms).
        piece = b"\x00" + struct.pack("<HH", len(token), len(token) ^ 0xFFFF) + token
        crc, length, parts = 0, 0, [GZIP_HEADER]
        for i, (segment, deflated) in enumerate(zip(self.segments, self.deflated)):
            if i:
                parts.append(piece)
                crc, length = zlib.crc32(token, crc), length + len(token)
            parts.append(deflated)
            crc, length = zlib.crc32(segment, crc), length + len(segment)
        parts.append(struct.pack("<II", crc, length & 0xFFFFFFFF))
        return b"".join(parts), "gzip"


class PageCache:
    def __init__(self, max_bytes: int, ttl: float, version_file: Path):
        self.max_bytes, self.ttl, self.version_file = max_bytes, ttl, version_file
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def version(self) -> int:
        try:
            return os.stat(self.version_file).st_mtime_ns
        except FileNotFoundError:
            return 0

    def bump(self) -> None:
        """Make every worker's entries stale: a new version file (atomic replace, new mtime)."""
        self.version_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.version_file.with_name(f".{self.version_file.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(str(time.time_ns()))
        os.replace(tmp, self.version_file)
        with self.lock:
            self.entries.clear()
            self.bytes = 0

    def get(self, key: tuple, version: int) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.version != version or entry.expires < time.monotonic():
                self.bytes -= entry.size
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if entry.size > self.max_bytes // 4:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self.entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes and self.entries:
                _, evicted = self.entries.popitem(last=False)
                self.bytes -= evicted.size


@functools.lru_cache(maxsize=256)
def accepted_encodings(header: str) -> frozenset[str]:
    """Content codings a client accepts (q > 0); browsers send a handful of distinct headers."""
    out = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        out.add(name.strip())
    return frozenset(out)


def cache_key(environ: dict, care: bool) -> tuple:
    """Scheme, host, raw path and query string, care mode: the same key whether Flask or FastPath asks
    (pages carry absolute links, so http and https versions differ)."""
    return (environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
            environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), care)


class FastPath:
    """WSGI middleware in front of Flask, for visitors without a session cookie.

    A fresh stored page goes out without a Flask request context, with the headers Flask gave it on
    its first hit (the security headers among them); a page with a form gets a new session cookie and
    CSRF token made as Flask and Flask-WTF make them. Visitors with a session (flashed messages, a
    CSRF token already issued) and everything not stored go on to Flask.
    """

    NOT_REPLAYED = frozenset({"set-cookie", "content-length", "content-encoding", "vary"})

    def __init__(self, app: Flask, cache: PageCache, wsgi_app):
        self.flask, self.wsgi_app, self.cache = app, wsgi_app, cache
        self.session_cookie = app.config.get("SESSION_COOKIE_NAME", "session")

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            raw_cookies = environ.get("HTTP_COOKIE")
            cookies = parse_cookie(raw_cookies) if raw_cookies else {}
            if self.session_cookie not in cookies:
                entry = self.cache.get(cache_key(environ, cookies.get("care") == "1"), self.cache.version())
                if entry is not None and entry.final_headers is not None:
                    return self.serve(entry, environ, start_response)

        def capture(status, headers, exc_info=None):
            entry = environ.get("portal.page_cache.hit")
            if entry is not None and entry.final_headers is None and status.startswith("200"):
                entry.final_headers = [(k, v) for k, v in headers if k.lower() not in self.NOT_REPLAYED]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, capture)

    def serve(self, entry: Entry, environ, start_response):
        from .session_signing import new_visitor_session

        headers = list(entry.final_headers)
        cookie = None
        if entry.segments:
            cookie, token = new_visitor_session(self.flask)
            body, encoding = entry.payload(accepted_encodings(environ.get("HTTP_ACCEPT_ENCODING", "")),
                                           lambda: token)
            headers += [("Set-Cookie", cookie), ("Vary", "Accept-Encoding, Cookie")]
        else:
            body, encoding = entry.payload(accepted_encodings(environ.get("HTTP_ACCEPT_ENCODING", "")), None)
            headers.append(("Vary", "Accept-Encoding"))
        if encoding:
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE", not app.testing and os.environ.get("PORTAL_PAGE_CACHE", "1") != "0")
    app.config.setdefault("PAGE_CACHE_TTL", float(os.environ.get("PORTAL_PAGE_CACHE_TTL", "60")))
    app.config.setdefault("PAGE_CACHE_BYTES", int(float(os.environ.get("PORTAL_PAGE_CACHE_MB", "8")) * 1024 * 1024))
    if not app.config["PAGE_CACHE"]:
        return
    instance = Path(app.config.get("INSTANCE_DIR") or app.instance_path)
    cache = PageCache(app.config["PAGE_CACHE_BYTES"], app.config["PAGE_CACHE_TTL"], instance / "page-cache-version")
    app.extensions["page_cache"] = cache
    cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
    token_name = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    from .services.events import feedback_changed, item_changed

    def _changed(sender, **_kwargs):
        if sender is app:
            cache.bump()

    item_changed.connect(_changed, weak=False)
    feedback_changed.connect(_changed, weak=False)

    def _serve_from_cache():
        req = request._get_current_object()  # one context lookup instead of one per attribute
        if (req.method not in ("GET", "HEAD") or req.blueprint not in CACHED_BLUEPRINTS
                or req.endpoint in NOT_CACHED_ENDPOINTS):
            return None
        cookies = req.cookies
        if cookies.get(cookie_name) and session.get("_flashes"):
            return None  # a message waits to be shown once: render fresh, store nothing
        key = cache_key(req.environ, cookies.get("care") == "1")
        version = cache.version()
        entry = cache.get(key, version)
        if entry is None:
            if req.method == "GET" and not cookies.get(cookie_name):
                g._page_cache_store = (key, version)
            return None
        body, encoding = entry.payload(accepted_encodings(req.environ.get("HTTP_ACCEPT_ENCODING", "")), csrf_token)
        response = Response(body, content_type=entry.content_type, headers=entry.headers)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        req.environ["portal.page_cache.hit"] = entry  # FastPath keeps the headers this response leaves with
        return response

    # First of all before-request functions: a stored page needs none of the others (CSRF checks
    # only guard unsafe methods, and this serves GET and HEAD alone).
    app.before_request_funcs.setdefault(None, []).insert(0, _serve_from_cache)
    if isinstance(app.wsgi_app, ProxyFix):  # inside it, so keys see the scheme and host Flask sees
        app.wsgi_app.app = FastPath(app, cache, app.wsgi_app.app)
    else:
        app.wsgi_app = FastPath(app, cache, app.wsgi_app)

    # Registered after the compressor, so it runs before it and stores the uncompressed page.
    @app.after_request
    def _store_in_cache(response):
        pending = g.pop("_page_cache_store", None)
        if (pending is None or response.status_code != 200 or response.is_streamed
                or response.mimetype not in MIMETYPES or "Set-Cookie" in response.headers
                or "Content-Encoding" in response.headers or set(session.keys()) - {token_name}):
            return response
        key, version = pending
        body = response.get_data()
        token = g.get(token_name)
        if token:
            body = body.replace(token.encode(), PLACEHOLDER)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS]
        cache.put(key, Entry(body, response.content_type, headers, version, time.monotonic() + cache.ttl))
        return response
