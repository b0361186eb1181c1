"""Compressed responses: pages, CSS, feeds and JSON travel brotli- or gzip-compressed when the client accepts it.

A phone on a slow connection pays for bytes, not for the server's microseconds: every public page
stays under 50 KB transferred with its CSS (tests/test_page_weight.py).
"""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIMETYPES = [
    "text/html", "text/css", "text/plain", "text/javascript", "application/json", "application/atom+xml",
    "application/rss+xml", "application/xml", "text/xml", "text/csv", "image/svg+xml",
]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    # Brotli first (smaller, browsers send it over HTTPS); gzip for everything else that asks.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Brotli 1: the cheapest setting inside a serving app (`python -m bench compression`, which times each
    # algorithm and level within page requests): the item page's 14.6 KB to 5.1 KB in 63 us, against 124 us
    # at brotli 3, 121 us with gzip 1, 195 us with gzip 6 (Flask-Compress's default gzip level), 78 us with zstd 1, and
    # brotli 0 no cheaper. The few hundred bytes the costlier settings save are nothing on a phone's
    # connection. The window size changed neither time nor size at these page sizes.
    app.config.setdefault("COMPRESS_BR_LEVEL", 1)
    # Conditional requests are answered before the view (http_caching.py) or by the few views that set
    # their own validators (assets, feeds); evaluating them again after compressing cost every page
    # 0.03 ms for nothing.
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    # Streamed responses (CSV exports) go out as they are produced; static assets are sent whole.
    app.config.setdefault("COMPRESS_STREAMS", False)
    # Bound to this app (Compress(app)), not init_app on a shared instance: its hook reads the settings through
    # `self.app or current_app`, and each of its half-dozen reads through the current_app proxy costs more
    # than a dictionary look-up (docs/architecture.md, "proxies read once").
    app.extensions["compress"] = Compress(app)
