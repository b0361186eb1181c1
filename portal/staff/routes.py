from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..pagination import page_arg
from ..redirects import safe_target
from ..services import audit, auth
from . import bp
from .forms import CodeForm, LoginForm
from .throttle import throttled


def _safe_next(target: str | None) -> str:
    return safe_target(target, url_for("staff.dashboard"), prefix="/staff")


@bp.route("/login", methods=["GET", "POST"])
@throttled
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = auth.authenticate(form.username.data, form.password.data)
        if user and user.totp_secret:
            auth.start_second_step(user)
            return redirect(url_for("staff.login_code", next=request.args.get("next")))
        if user:
            auth.login(user)
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong username or password.")
    return render_template("staff/login.html", form=form, error=error), 200 if error is None else 401


@bp.route("/login/code", methods=["GET", "POST"])
@throttled
def login_code():
    if auth.current_staff() is not None:
        return redirect(url_for("staff.dashboard"))
    user = auth.second_step_user()
    if user is None:
        return redirect(url_for("staff.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if auth.finish_second_step(user, form.code.data):
            return redirect(_safe_next(request.args.get("next")))
        error = _("That code is not right. Type the 6 digits your app shows now, or one of your recovery codes.")
    return render_template("staff/login_code.html", form=form, error=error), 200 if error is None else 401


@bp.post("/logout")
def logout():
    auth.logout()
    flash(_("You have logged out."))
    return redirect(url_for("staff.login"))


@bp.get("/")
def dashboard():
    return render_template("staff/dashboard.html")


@bp.get("/audit")
@auth.requires("read_audit")
def audit_log():
    page = page_arg()
    entries = audit.recent(limit=100, offset=(page - 1) * 100)
    return render_template("staff/audit.html", entries=entries, page=page)
