"""Each staff member's own second factor: set up TOTP, get new recovery codes, turn it off."""
from __future__ import annotations

import segno
from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..services import auth, two_factor
from . import bp
from .forms import CodeForm, EmptyForm

_PENDING = "totp_pending"  # the secret being set up, kept until a code from it proves the app has it


def _qr_svg(uri: str) -> Markup:
    # segno's SVG is a path drawn from the modules plus our fixed title: no text of the URI (nor the
    # username in it) is written into the markup, and it has no script or style attribute.
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, title="otpauth QR")
    return Markup(svg)  # nosec B704


def _render_setup(user, form: CodeForm, error: str | None = None, status: int = 200):
    secret = session.get(_PENDING)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[_PENDING] = two_factor.new_secret()
    uri = two_factor.otpauth_uri(secret, user.username)
    return render_template("staff/two_factor.html", user=user, form=form, error=error, secret=secret, uri=uri,
                           qr=_qr_svg(uri), required=two_factor.required_for(user), grouped=_grouped(secret)), status


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _render_on(user, status: int = 200, error: str | None = None):
    return render_template("staff/two_factor.html", user=user, enabled=True, codes_left=two_factor.codes_left(user),
                           required=two_factor.required_for(user), action_form=EmptyForm(), error=error), status


@bp.get("/2fa", endpoint="two_factor")
@auth.requires("own_account")
def two_factor_page():
    user = auth.current_staff()
    if user.totp_secret:
        return _render_on(user)
    return _render_setup(user, CodeForm(formdata=None))


@bp.post("/2fa")
@auth.requires("own_account")
def two_factor_enable():
    user = auth.current_staff()
    if user.totp_secret:
        return redirect(url_for("staff.two_factor"))
    form = CodeForm()
    secret = session.get(_PENDING)
    if not form.validate_on_submit() or not isinstance(secret, str):
        return _render_setup(user, form, status=400)
    if not two_factor.check_new_secret(secret, form.code.data):
        return _render_setup(user, form, _("That code is not right. Check the time on your phone and type the 6 digits the app shows now."), 400)
    session.pop(_PENDING, None)
    codes = two_factor.enable(user, secret)
    return render_template("staff/recovery_codes.html", codes=codes)


@bp.post("/2fa/codes")
@auth.requires("own_account")
def two_factor_codes():
    user = auth.current_staff()
    if not EmptyForm().validate_on_submit() or not user.totp_secret:
        return redirect(url_for("staff.two_factor"))
    return render_template("staff/recovery_codes.html", codes=two_factor.new_recovery_codes(user))


@bp.post("/2fa/off")
@auth.requires("own_account")
def two_factor_disable():
    user = auth.current_staff()
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("staff.two_factor"))
    if two_factor.required_for(user):
        return _render_on(user, 400, _("Admins must keep a second factor on this site."))
    two_factor.disable(user, actor=user)
    flash(_("The second factor is off. Logging in needs only your password now."))
    return redirect(url_for("staff.two_factor"))
