"""Staff accounts in the browser, for admins: create, change role, disable or enable, reset a password, end a
session. Each of these needs the admin's password to be recent (staff/recent_password.py).

The rules (roles, password length, keeping one active admin) and the audit log live in services/auth.py,
shared with the `flask staff` commands.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import N_
from ..models import StaffUser
from ..services import auth, staff_sessions
from ..services.errors import NotAllowed
from . import bp
from .forms import ROLE_LABELS, CreateAccountForm, EmptyForm, PasswordForm, RoleForm
from .recent_password import needs_recent_password


def _prefix(user: StaffUser) -> str:
    return f"u{user.id}"


def forms_for(user: StaffUser, bound: dict | None = None) -> dict:
    bound = bound or {}
    return {
        "role": bound.get("role") or RoleForm(prefix=_prefix(user), formdata=None, role=user.role),
        "password": bound.get("password") or PasswordForm(prefix=_prefix(user), formdata=None),
        "active": EmptyForm(prefix=_prefix(user), formdata=None),
    }


def _render(create: CreateAccountForm | None = None, bound: dict | None = None, error: str | None = None,
            status: int = 200):
    return render_template(
        "staff/accounts.html", users=auth.all_staff(), create=create or CreateAccountForm(formdata=None),
        forms_for=lambda u: forms_for(u, (bound or {}).get(u.id)), role_labels=ROLE_LABELS, error=error,
        open_sessions=staff_sessions.open_sessions_by_staff(), this_session=auth.current_staff().current_session,
    ), status


@bp.get("/accounts")
@auth.requires("manage_accounts")
def accounts():
    return _render()


@bp.post("/accounts")
@auth.requires("manage_accounts")
@needs_recent_password
def create_account():
    form = CreateAccountForm()
    if not form.validate_on_submit():
        return _render(create=form, status=400)
    try:
        user = auth.create_staff(form.username.data, form.password.data, form.role.data, actor=auth.current_staff())
    except NotAllowed as exc:
        db.session.rollback()
        return _render(create=form, error=exc.translated(), status=400)
    flash(_("Account %(name)s created. Give the person the initial password in person or by phone.",
            name=user.username))
    return redirect(url_for("staff.accounts") + f"#u{user.id}")


def _change(user_id: int, form_cls, name: str, apply, done: str):
    user = db.get_or_404(StaffUser, user_id)
    form = form_cls(prefix=_prefix(user))
    if not form.validate_on_submit():
        return _render(bound={user.id: {name: form}}, status=400)
    try:
        apply(user, form, auth.current_staff())
    except NotAllowed as exc:
        db.session.rollback()
        return _render(bound={user.id: {name: form}}, error=exc.translated(),
                       status=401 if isinstance(exc, WrongProof) else 400)
    flash(done % {"name": user.username})
    if not auth.can(auth.current_staff(), "manage_accounts"):
        return redirect(url_for("staff.dashboard"))  # an admin who just gave up their own admin role
    return redirect(url_for("staff.accounts") + f"#u{user.id}")


@bp.post("/accounts/<int:user_id>/role")
@auth.requires("manage_accounts")
@needs_recent_password
def account_role(user_id: int):
    return _change(user_id, RoleForm, "role", _set_role,
                   _("The role of %(name)s was changed and their sessions have ended."))


@bp.post("/accounts/<int:user_id>/disable")
@auth.requires("manage_accounts")
@needs_recent_password
def account_disable(user_id: int):
    return _change(user_id, EmptyForm, "active", lambda u, f, actor: auth.set_active(u, False, actor=actor),
                   _("%(name)s can no longer log in."))


@bp.post("/accounts/<int:user_id>/enable")
@auth.requires("manage_accounts")
@needs_recent_password
def account_enable(user_id: int):
    return _change(user_id, EmptyForm, "active", lambda u, f, actor: auth.set_active(u, True, actor=actor),
                   _("%(name)s can log in again."))


def _relogin_if_self(user: StaffUser, actor: StaffUser | None) -> None:
    # A new password or role ends all the account's sessions; the person who made the change on
    # their own account gets a fresh one here (their other devices stay logged out).
    if actor is not None and actor.id == user.id:
        auth.login(user)


def _set_role(user: StaffUser, form: RoleForm, actor: StaffUser) -> None:
    changed = form.role.data != user.role  # saving the same role ends nothing, so nothing to renew
    auth.set_role(user, form.role.data, actor=actor)
    if changed:
        _relogin_if_self(user, actor)


class WrongProof(NotAllowed):
    """The current password given was not right: a 401, which the login limits count (staff/throttle.py)."""


def _set_password(user: StaffUser, form: PasswordForm, actor: StaffUser) -> None:
    # One's own password needs the current one too: a session left open must not be enough to take
    # the account over (other accounts' passwords are reset by an admin, who cannot know them).
    if actor.id == user.id and not auth.confirm(user, form.current.data, code_too=False):
        raise WrongProof(N_("Your current password is not right. Nothing was changed."))
    auth.set_password(user, form.password.data, actor=actor)
    _relogin_if_self(user, actor)


@bp.post("/accounts/<int:user_id>/password")
@auth.requires("manage_accounts")
@needs_recent_password
def account_password(user_id: int):
    return _change(user_id, PasswordForm, "password", _set_password,
                   _("New password set for %(name)s; their other sessions have ended."))


@bp.post("/accounts/<int:user_id>/sessions/<int:session_id>/end")
@auth.requires("manage_accounts")
@needs_recent_password
def account_end_session(user_id: int, session_id: int):
    user = db.get_or_404(StaffUser, user_id)
    if not EmptyForm(prefix=_prefix(user)).validate_on_submit():
        return _render(status=400)
    if auth.end_session(user, session_id, auth.current_staff()):
        flash(_("The session of %(name)s has ended: that device must log in again.", name=user.username))
    return redirect(url_for("staff.accounts") + f"#u{user.id}")
