"""Staff accounts: roles, password hashing (scrypt), lockout after repeated failures."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..i18n import N_
from ..models import StaffUser, utcnow
from . import audit

ROLES = ("moderator", "editor", "admin")
PERMISSIONS = {
    "moderate": {"moderator", "editor", "admin"},
    "update_status": {"editor", "admin"},
    "manage_accounts": {"admin"},
    "read_audit": {"admin"},
}
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
# Compared against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """`message` is an English message id (the CLI prints it as is, pages translate it); `params` fill it in."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("The password must be at least %(n)s characters."), n=MIN_PASSWORD)


def find(username: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower()))


def all_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(func.lower(StaffUser.username))))


def create_staff(username: str, password: str, role: str, actor: StaffUser | None = None) -> StaffUser:
    username = username.strip()
    _check_role(role)
    if not username or len(username) > 64:
        raise AccountError(N_("The username must be 1 to 64 characters."))
    if find(username):
        raise AccountError(N_("There is already an account named %(name)s."), name=username)
    _check_password_rules(password)
    user = StaffUser(username=username, password_hash=generate_password_hash(password), role=role, active=True)
    db.session.add(user)
    db.session.flush()
    audit.record("staff.create", "staff_user", user.id, None, {"username": username, "role": role}, actor=actor)
    db.session.commit()
    return user


def set_password(user: StaffUser, password: str, actor: StaffUser | None = None) -> None:
    _check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("staff.reset_password", "staff_user", user.id, None, None, actor=actor)
    db.session.commit()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(N_("The role must be one of %(roles)s."), roles=", ".join(ROLES))


def _keep_an_admin(user: StaffUser) -> None:
    """Nobody could manage accounts in the browser any more if the last active admin went."""
    if user.role != "admin" or not user.active:
        return
    others = db.session.scalar(select(func.count(StaffUser.id)).where(
        StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user.id))
    if not others:
        raise AccountError(N_("%(name)s is the only active admin. Make another account admin first."),
                           name=user.username)


def set_active(user: StaffUser, active: bool, actor: StaffUser | None = None) -> None:
    if not active:
        _keep_an_admin(user)
    before = {"active": user.active}
    user.active = active
    audit.record("staff.enable" if active else "staff.disable", "staff_user", user.id, before, {"active": active}, actor=actor)
    db.session.commit()


def set_role(user: StaffUser, role: str, actor: StaffUser | None = None) -> None:
    _check_role(role)
    if role != "admin":
        _keep_an_admin(user)
    before = {"role": user.role}
    user.role = role
    audit.record("staff.role", "staff_user", user.id, before, {"role": role}, actor=actor)
    db.session.commit()


def authenticate(username: str, password: str) -> tuple[StaffUser | None, str | None]:
    """Returns (user, None) on success, or (None, reason) with reason 'invalid' or 'locked'."""
    user = find(username)
    now = utcnow()
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None, "invalid"
    if user.locked_until and user.locked_until > now:
        return None, "locked"
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            audit.record("staff.locked", "staff_user", user.id, None, {"until": user.locked_until.isoformat()}, actor=None)
        db.session.commit()
        return None, "locked" if user.locked_until and user.locked_until > now else "invalid"
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user, None


def login(user: StaffUser) -> None:
    session.clear()
    session["staff_id"] = user.id
    # A password change or disabling the account ends existing sessions.
    session["staff_pw"] = user.password_hash[-16:]
    session.permanent = False


def logout() -> None:
    session.clear()


def current_staff() -> StaffUser | None:
    if "staff_user" in g:
        return g.staff_user
    user = None
    staff_id = session.get("staff_id")
    if staff_id is not None:
        candidate = db.session.get(StaffUser, staff_id)
        if candidate and candidate.active and candidate.password_hash[-16:] == session.get("staff_pw"):
            user = candidate
    g.staff_user = user
    return user


def can(user: StaffUser | None, permission: str) -> bool:
    return bool(user and user.active and user.role in PERMISSIONS[permission])


def requires(permission: str):
    """Route decorator: login is enforced for all of /staff; this checks the role."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_staff()
            if user is None:
                return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
            if not can(user, permission):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
