"""/robots.txt, answered by the site itself, and /.well-known/security.txt when a contact is configured.

Public pages, feeds, posters and the open data API are for everyone, search engines included. What a
crawler should not fetch: the back office; residents' tracking pages and their look-up (a tracking code
is a resident's own); the follow, confirm and unsubscribe links; the addresses that only take a form
(comments, "this matters to me") and the care-mode switch; search results, each of which is counted in
the search report staff read (portal/search), so a crawler's walk would fill it with its own searches.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, make_response

from .i18n import LANGS
from .services.clock import today

bp = Blueprint("robots", __name__)

NOT_FOR_CRAWLERS = ("/staff/", "/healthz")
# Under each /<lang>/ (RFC 9309: "*" is any run of characters, slashes included).
NOT_FOR_CRAWLERS_IN_LANG = ("feedback/", "*/feedback", "*/matters", "follow", "care", "search")
DAY = 24 * 3600


def robots_lines() -> list[str]:
    paths = [*NOT_FOR_CRAWLERS, *(f"/{lang}/{rest}" for lang in LANGS for rest in NOT_FOR_CRAWLERS_IN_LANG)]
    return ["User-agent: *", *(f"Disallow: {path}" for path in paths), "Allow: /", ""]


def _text(body: str):
    response = make_response(body)
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = f"public, max-age={DAY}"
    return response


@bp.get("/robots.txt")
def robots_txt():
    return _text("\n".join(robots_lines()))


@bp.get("/.well-known/security.txt")
def security_txt():
    """RFC 9116, only with a contact the operator configured (PORTAL_SECURITY_CONTACT): no invented one."""
    contact = current_app.config.get("SECURITY_CONTACT")
    if not contact:
        abort(404)
    # Expires is required; the file is made on each request from the setting, so it stays current.
    expires = today() + timedelta(days=180)
    lines = [f"Contact: {contact}", f"Expires: {expires.isoformat()}T00:00:00.000Z",
             "Preferred-Languages: zh, en", ""]
    return _text("\n".join(lines))
