"""Response headers: a strict CSP (no inline script or style), HSTS behind HTTPS, no framing."""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class BoundedIntConverter(IntegerConverter):
    """<int:id> up to the largest 32-bit key (PostgreSQL INTEGER): a longer number is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


# Sent on every response, by the app and by gunicorn's own error answers (portal/gunicorn_hardening.py).
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def init_app(app: Flask) -> None:
    # Before the blueprints register, so every <int:...> in their rules gets the bound.
    app.url_map.converters["int"] = BoundedIntConverter
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        # Behind nginx: the resident's address (per-address comment limit) and scheme come from the
        # proxy's X-Forwarded-* headers. Off by default, since without a proxy anyone could set them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)

    @app.after_request
    def _headers(response):
        h = response.headers
        # One pass over the headers already set (a view may set its own), not a look-up per header: each
        # look-up that misses raises and catches an exception inside werkzeug.
        present = {name.lower() for name, _ in h.items()}
        h.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
        if app.config.get("PORTAL_HTTPS"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith("/staff"):
            h["Cache-Control"] = "no-store"
        return response
