"""Managing accounts needs a recent password ("sudo mode", as GitHub has it): a session alone (a copied cookie,
a PC left logged in) could otherwise create an admin or reset another's password, log in as that account and
reset the owner's password, round the rule that one's own new password needs the current one.

The login counts as typing the password. Once PORTAL_REAUTH_SECONDS have passed since (or since the last time
it was asked), an account action answers with a page asking for the password, and the second factor's code
when the account has one. What the admin had filled in is kept on the server (services/pending_forms.py: it
may hold a new account's password, which must not be written into a page) and the page carries only its
handle, posted back to the same address; once the password is right the action goes on with the form as it
was first posted: nothing typed is lost. A wrong answer is a 401, audited as a failed login and counted by
the login limits (staff/throttle.py), keyed by the account.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..content.readers import human_size
from ..errors import page
from ..services import auth, pending_forms
from .forms import ReauthForm
from .throttle import throttled

PREFIX = "reauth"
HANDLE = f"{PREFIX}-pending"


def _form(user, posted: bool) -> ReauthForm:
    form = ReauthForm(prefix=PREFIX) if posted else ReauthForm(prefix=PREFIX, formdata=None)
    if not user.totp_secret:
        del form.code
    return form


def _ask(form: ReauthForm, status: int, handle: str, error: str | None = None):
    minutes = max(1, round(current_app.config["REAUTH_SECONDS"] / 60))
    return render_template("staff/recent_password.html", form=form, handle=handle, error=error,
                           minutes=minutes, action=request.path), status


def _too_large(limit: int):
    return page(413, _("Form too large"), _(
        "What you sent is larger than %(limit)s, more than is kept while your password is checked again. "
        "Nothing was changed. Please go back, shorten it and send it again.", limit=human_size(limit)))


def needs_recent_password(view):
    """Route decorator for every admin action on accounts (tests/test_staff_recent_password.py walks them)."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if auth.proven_within(current_app.config["REAUTH_SECONDS"]):
            return view(*args, **kwargs)
        user = auth.current_staff()
        if f"{PREFIX}-password" not in request.form:
            limit = current_app.config["PENDING_FORM_MAX_BYTES"]
            handle = pending_forms.keep(request.form.items(multi=True), request.path, user.id, limit)
            if handle is None:
                return _too_large(limit)
            return _ask(_form(user, posted=False), 200, handle)
        handle = request.form.get(HANDLE, "")
        form = _form(user, posted=True)
        if not form.validate_on_submit():
            return _ask(form, 400, handle)
        code = form.code.data if "code" in form else ""
        if not auth.reconfirm(user, form.password.data, code):
            error = (_("Your password or the code is not right. Nothing was changed.") if user.totp_secret
                     else _("Your current password is not right. Nothing was changed."))
            return _ask(_form(user, posted=False), 401, handle, error)
        auth.mark_proven()
        kept = pending_forms.take(handle, request.path, user.id)
        if kept is None:  # kept for an hour (or taken by the same page sent twice): nothing to go on with
            flash(_("Your password is confirmed, but what you had filled in was no longer kept. "
                    "Nothing was changed: please fill it in again."))
            return redirect(url_for("staff.accounts"))
        request.form = kept  # the view reads the form as it was first posted
        return view(*args, **kwargs)

    guarded.asks_recent_password = True
    return throttled(guarded)
