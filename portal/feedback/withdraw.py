"""A resident withdraws their own comment from its tracking page (the tracking code is the key)."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ..same_origin import ResidentForm
from ..services import feedback as service
from . import bp
from .routes import _lang, tracking_limit


class WithdrawForm(ResidentForm):
    """Only a button."""


@bp.post("/<lang>/feedback/<tracking>/withdraw")
@tracking_limit
def withdraw(lang: str, tracking: str):
    _lang(lang)
    fb = service.find_by_code(tracking)
    if fb is None:
        abort(404)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    if service.withdraw(fb):
        flash(_("Your comment has been withdrawn. It is no longer shown on the site."))
    return redirect(url_for("feedback.track", lang=lang, tracking=fb.tracking_code))


@bp.get("/<lang>/feedback/<tracking>/withdraw")
@tracking_limit
def withdraw_reloaded(lang: str, tracking: str):
    """The withdrawal redirects after its POST, but its 429 page leaves this address in the bar: a reload
    leads back to the tracking page (which looks the code up, within the same limit)."""
    _lang(lang)
    return redirect(url_for("feedback.track", lang=lang, tracking=tracking), 303)
