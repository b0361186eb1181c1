from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..pagination import page_arg
from ..redirects import safe_target
from ..services import audit, auth
from . import bp
from .forms import LoginForm


def _safe_next(target: str | None) -> str:
    return safe_target(target, url_for("staff.dashboard"), prefix="/staff")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, reason = auth.authenticate(form.username.data, form.password.data)
        if user:
            auth.login(user)
            return redirect(_safe_next(request.args.get("next")))
        if reason == "locked":
            error = _("Too many failed attempts. This account is locked for 15 minutes.")
        else:
            error = _("Wrong username or password.")
    return render_template("staff/login.html", form=form, error=error), 200 if error is None else 401


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
