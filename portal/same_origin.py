"""Residents' forms are refused when a browser says they were posted from another site.

Residents have no account and no session, so a forged post cannot act with anyone's authority; what
it could do is use a visitor's browser to send comments, marks or follow requests they never meant.
Browsers say where a post comes from: `Sec-Fetch-Site` (all current browsers), `Origin` (sent with
every cross-site POST by browsers for years), else `Referer`. A post is accepted when the first of
these present names this site; a post with none of them did not come from a page in a current
browser, and a script outside a browser could post anyway, token or not, so it is let through.
That needs no CSRF token, so residents' pages set no cookie and can be cached by anyone
(portal/http_caching.py). Staff forms keep Flask-WTF's session tokens as well (docs/security.md).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import Forbidden

from .extensions import csrf
from .forms import PortalForm
from .inputs import visible_text

# Posted without a staff session: their forms carry no token; the origin check guards them.
RESIDENT_BLUEPRINTS = ("public", "feedback", "follow")
# Mail programs post the one-click unsubscribe (RFC 8058) from their servers; the signed link is the key.
NOT_CHECKED = frozenset({"follow.unsubscribe"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CrossSitePost(Forbidden):
    """A form posted from another site (errors.py answers with a page that says so)."""


class ResidentForm(PortalForm):
    """A form residents post without a session: no CSRF token (same_origin checks where it came from)."""

    class Meta:
        csrf = False

        def wrap_formdata(self, form, formdata):
            # Format characters too (inputs.visible_text), not only controls: the form repeats what was sent
            # when it comes back with an error, and a published comment shows it to everyone.
            posted = super().wrap_formdata(form, formdata)
            if posted is None:
                return None
            return MultiDict([(name, visible_text(value)) for name, value in posted.items(multi=True)])


def _own_hosts() -> set[str]:
    # Host names without ports: nginx passes its $host, which has none.
    hosts = {urlsplit(f"//{request.host}").hostname}
    public_url = current_app.config.get("PUBLIC_URL")
    if public_url:
        hosts.add(urlsplit(public_url).hostname)
    return hosts


def same_origin() -> bool:
    """Whether the browser says this request came from one of this site's own pages."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")  # "none": typed or bookmarked, not another site
    source = request.headers.get("Origin") or request.referrer
    if not source:
        return True
    try:
        host = urlsplit(source).hostname  # Origin "null" has none: refused
    except ValueError:
        return False
    return host is not None and host in _own_hosts()


def _check() -> None:
    if request.method in SAFE_METHODS or request.endpoint in NOT_CHECKED:
        return
    if not same_origin():
        raise CrossSitePost()


def init_app(app: Flask) -> None:
    """Every unsafe request is checked, staff ones too (they also need their token)."""
    app.before_request(_check)


def exempt_from_tokens(bp) -> None:
    """A blueprint of residents' forms: the origin check replaces Flask-WTF's token."""
    csrf.exempt(bp)
