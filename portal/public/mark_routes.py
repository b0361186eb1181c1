"""我也关心 / "This matters to me": the POST behind the button on work point and project site pages.

The pages themselves are cached whole for every visitor, so they cannot say whether this browser
has marked already; the answer comes as a flashed message after the POST (a visitor with a flash
is served a fresh page), and the public count catches up when the cached page expires.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..extensions import limiter
from ..models import ProjectSite
from ..redirects import safe_target
from ..services import marks
from . import bp
from ..lookups import item_or_404, site_or_404


def _limit() -> str:
    return current_app.config["MARK_RATE_LIMIT"]


def _mark(code: str, site: ProjectSite | None, back: str):
    browser_id = request.cookies.get(marks.COOKIE)
    if not marks.valid_browser_id(browser_id):
        browser_id = marks.new_browser_id()
    if marks.add_mark(code, site.id if site else None, browser_id):
        flash(_("Thank you. Your mark is counted."))
    else:
        flash(_("This browser has already marked this; each browser counts once."))
    response = redirect(safe_target(back, url_for("public.home")))  # one check for every redirect
    response.set_cookie(marks.COOKIE, browser_id, max_age=marks.COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


@bp.post("/<lang>/plans/<plan>/items/<code>/matters")
@limiter.limit(_limit)
def mark_item(code: str):
    item_or_404(code)
    return _mark(code, None, url_for("public.item", code=code))


@bp.post("/<lang>/plans/<plan>/items/<code>/sites/<int:site_id>/matters")
@limiter.limit(_limit)
def mark_site(code: str, site_id: int):
    _item, site = site_or_404(code, site_id)
    return _mark(code, site, url_for("public.site", code=code, site_id=site_id))


# A mark over its limit leaves the POST address in the address bar (the 429 page); a reload, a restored tab
# or a shared link sends a GET there: lead back to the button rather than to a 405.
@bp.get("/<lang>/plans/<plan>/items/<code>/matters")
def mark_item_reloaded(code: str):
    item_or_404(code)
    return redirect(url_for("public.item", code=code) + "#matters", 303)


@bp.get("/<lang>/plans/<plan>/items/<code>/sites/<int:site_id>/matters")
def mark_site_reloaded(code: str, site_id: int):
    site_or_404(code, site_id)
    return redirect(url_for("public.site", code=code, site_id=site_id) + "#matters", 303)


# App-wide: the item and site pages are also rendered by the feedback blueprint after a form error.
@bp.record_once
def _mark_helpers(state):
    state.app.jinja_env.globals["matter_count"] = marks.count
