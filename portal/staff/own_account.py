"""Each staff member's own second factor: set up TOTP, get new recovery codes, turn it off.

Turning the factor off and making new recovery codes need fresh proof (the password or a current
code), not only the session; the secret being set up stays on the server (the session row)."""
from __future__ import annotations

import segno
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..services import auth, two_factor
from . import bp
from .forms import EnableFactorForm, ProofForm
from .throttle import throttled

# Each action has its own form on the page, so their fields need their own ids.
CODES_PREFIX, OFF_PREFIX = "codes", "off"


def _qr_svg(uri: str) -> Markup:
    # segno's SVG is a path drawn from the modules plus our fixed title: no text of the URI (nor the
    # username in it) is written into the markup, and it has no script or style attribute.
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, title="otpauth QR")
    return Markup(svg)  # nosec B704


def _render_setup(user, form: EnableFactorForm, error: str | None = None, status: int = 200):
    secret = two_factor.pending_secret(user)
    uri = two_factor.otpauth_uri(secret, user.username)
    return render_template("staff/two_factor.html", user=user, form=form, error=error, secret=secret, uri=uri,
                           qr=_qr_svg(uri), required=two_factor.required_for(user), grouped=_grouped(secret)), status


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _render_on(user, status: int = 200, error: str | None = None, bound: dict | None = None):
    forms = {prefix: ProofForm(prefix=prefix, formdata=None) for prefix in (CODES_PREFIX, OFF_PREFIX)}
    forms.update(bound or {})
    return render_template("staff/two_factor.html", user=user, enabled=True, codes_left=two_factor.codes_left(user),
                           required=two_factor.required_for(user), codes_form=forms[CODES_PREFIX],
                           off_form=forms[OFF_PREFIX], error=error), status


def _proven(user, prefix: str):
    """None when the form carries fresh proof, else the page to answer with (401 for a wrong proof,
    which the login throttle counts)."""
    form = ProofForm(prefix=prefix)
    if not form.validate_on_submit():
        return _render_on(user, 400, bound={prefix: form})
    if not auth.confirm(user, form.proof.data):
        return _render_on(user, 401, _("That is neither your password nor the code your app shows now. Nothing was changed."),
                          bound={prefix: form})
    return None


@bp.get("/2fa", endpoint="two_factor")
@auth.requires("own_account")
def two_factor_page():
    user = auth.current_staff()
    if user.totp_secret:
        return _render_on(user)
    return _render_setup(user, EnableFactorForm(formdata=None))


@bp.post("/2fa")
@auth.requires("own_account")
@throttled
def two_factor_enable():
    user = auth.current_staff()
    if user.totp_secret:
        return redirect(url_for("staff.two_factor"))
    form = EnableFactorForm()
    if not form.validate_on_submit():
        return _render_setup(user, form, status=400)
    if not auth.confirm(user, form.proof.data, code_too=False):
        return _render_setup(user, form, _("Your current password is not right. Nothing was changed."), 401)
    secret = two_factor.pending_secret(user)
    step = two_factor.check_new_secret(secret, form.code.data)
    if step is None:
        return _render_setup(user, form, _("That code is not right. Check the time on your phone and type the 6 digits the app shows now."), 400)
    codes = two_factor.enable(user, secret, step)
    return render_template("staff/recovery_codes.html", codes=codes)


@bp.post("/2fa/codes")
@auth.requires("own_account")
@throttled
def two_factor_codes():
    user = auth.current_staff()
    if not user.totp_secret:
        return redirect(url_for("staff.two_factor"))
    refused = _proven(user, CODES_PREFIX)
    if refused:
        return refused
    return render_template("staff/recovery_codes.html", codes=two_factor.new_recovery_codes(user))


@bp.post("/2fa/off")
@auth.requires("own_account")
@throttled
def two_factor_disable():
    user = auth.current_staff()
    if not user.totp_secret:
        return redirect(url_for("staff.two_factor"))
    if two_factor.required_for(user):
        return _render_on(user, 400, _("Admins must keep a second factor on this site."))
    refused = _proven(user, OFF_PREFIX)
    if refused:
        return refused
    two_factor.disable(user, actor=user)
    flash(_("The second factor is off. Logging in needs only your password now."))
    return redirect(url_for("staff.two_factor"))
