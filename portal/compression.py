"""Compressed responses: pages, CSS, feeds and JSON travel brotli- or gzip-compressed when the client accepts it.

A phone on a slow connection pays for bytes, not for the server's microseconds: every public page
stays under 50 KB transferred with its CSS (tests/test_page_weight.py).
"""
from __future__ import annotations

from flask import Flask

from .extensions import compress

MIMETYPES = [
    "text/html", "text/css", "text/plain", "text/javascript", "application/json", "application/atom+xml",
    "application/rss+xml", "application/xml", "text/xml", "text/csv", "image/svg+xml",
]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    # Brotli first (smaller, browsers send it over HTTPS); gzip for everything else that asks.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Brotli 1: measured in-process on the rendered item page (14.3 KB), 4.97 KB in 37 us of CPU against
    # 4.62 KB in 83 us at 3 (and 4.3 KB in 174 us at Flask-Compress's default 4); the search page 3.69 KB
    # against 3.58 KB. A third of a kilobyte is nothing on a phone's connection; 46 us is about a twentieth
    # of a rendered item page as `python -m bench profile` times it (0.89 ms). The window size changed
    # neither time nor size at these page sizes.
    app.config.setdefault("COMPRESS_BR_LEVEL", 1)
    # Conditional requests are answered before the view (http_caching.py) or by the few views that set
    # their own validators (assets, feeds); evaluating them again after compressing cost every page
    # 0.03 ms for nothing.
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    # Streamed responses (CSV exports) go out as they are produced; static assets are sent whole.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
