"""Flask-WTF's CSRF check, asked only of the requests it checks (POST, PUT, PATCH, DELETE)."""
from __future__ import annotations

from flask import Flask, request

from .extensions import csrf


def init_app(app: Flask) -> None:
    """Flask-WTF's own before-request hook looks the view and its exemptions up (endpoint, blueprint, view
    function: a dozen reads through the request and app proxies) before it looks at the method, so every
    page view and search paid for it. Its documented switch WTF_CSRF_CHECK_DEFAULT turns that hook off;
    this one asks the method first, then has Flask-WTF check as before, exemptions included."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    config = app.config

    def _check_writes() -> None:
        if request.method in config["WTF_CSRF_METHODS"] and config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)

    app.before_request(_check_writes)
