"""Staff accounts: roles, password hashing (scrypt) and strength, logins through Flask-Login.

A login is a row in staff_session (services/staff_sessions.py); Flask-Login keeps only its random
token in the signed cookie and loads the account through it on every request.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from functools import wraps

from flask import abort, current_app, has_request_context, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, login_manager
from ..i18n import N_
from ..models import AuditLog, StaffUser, utcnow
from ..states import SessionEnd, StaffRole
from ..usernames import USERNAME_KEY_MAX, username_key
from . import audit, passwords, staff_sessions, two_factor
from .errors import NotAllowed

ROLES = tuple(role.value for role in StaffRole)  # plain strings: click matches enum choices by name
PERMISSIONS = {
    "own_account": set(StaffRole),
    "moderate": set(StaffRole),
    "update_status": {StaffRole.EDITOR, StaffRole.ADMIN},
    "manage_accounts": {StaffRole.ADMIN},
    "read_audit": {StaffRole.ADMIN},
    "read_search_report": set(StaffRole),
}
MIN_PASSWORD = 10
SECOND_STEP_TIME = timedelta(minutes=5)  # between a right password and its TOTP code
CREATED_TWICE_WITHIN = timedelta(minutes=2)  # a form sent again after a slow answer, not a later second attempt
# Compared against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@login_manager.user_loader
def _load_from_session(token: str) -> StaffUser | None:
    return staff_sessions.resume(token)


def _check_password_rules(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise NotAllowed(N_("The password must be at least %(n)s characters."), n=MIN_PASSWORD)
    problem = passwords.weakness(password, username)
    if problem:
        raise NotAllowed(problem)


def find(username: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.username_key == username_key(username)))


def all_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.username_key)))


def create_staff(username: str, password: str, role: str, actor: StaffUser | None = None) -> StaffUser:
    username = username.strip()
    key = username_key(username)
    _check_role(role)
    if not key or len(username) > 64 or len(key) > USERNAME_KEY_MAX:
        raise NotAllowed(N_("The username must be 1 to 64 characters."))
    taken = NotAllowed(N_("There is already an account named %(name)s."), name=username)
    existing = find(username)
    if existing:
        if _created_twice(existing, username, password, role, actor):
            return existing
        raise taken
    _check_password_rules(password, username)
    user = StaffUser(username=username, password_hash=generate_password_hash(password), role=role, active=True)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same name created since find(): the unique key refuses it
        db.session.rollback()
        existing = find(username)  # the twin request that got there first has committed by now
        if existing and _created_twice(existing, username, password, role, actor):
            return existing
        raise taken from None
    audit.record("staff.create", "staff_user", user.id, None, {"username": username, "role": role}, actor=actor)
    db.session.commit()
    return user


def _created_twice(user: StaffUser, username: str, password: str, role: str, actor: StaffUser | None) -> bool:
    """Whether `user` is the account this very request already created: the form sent twice (a double tap,
    the browser sending it again) answers as the first time did, not "name taken", which reads as a failure.
    As in versions.py, only a request that says exactly what the first said, by the same person: the same
    name, role and password, a moment ago, by the same admin in the browser (a command is run on purpose,
    and its "already exists" is news), on an account not changed since."""
    if (actor is None or user.username != username or user.role != role or not user.active
            or utcnow() - user.created_at > CREATED_TWICE_WITHIN):
        return False
    created_by = db.session.scalar(select(AuditLog.staff_id).where(
        AuditLog.action == "staff.create", AuditLog.target_type == "staff_user",
        AuditLog.target_id == str(user.id)))
    return created_by == actor.id and check_password_hash(user.password_hash, password)


def set_password(user: StaffUser, password: str, actor: StaffUser | None = None) -> None:
    _check_password_rules(password, user.username)
    user.password_hash = generate_password_hash(password)
    ended = staff_sessions.end_all(user, SessionEnd.PASSWORD)
    audit.record("staff.reset_password", "staff_user", user.id, None, {"sessions_ended": ended}, actor=actor)
    db.session.commit()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise NotAllowed(N_("The role must be one of %(roles)s."), roles=", ".join(ROLES))


def _keep_an_admin(user: StaffUser) -> None:
    """Nobody could manage accounts in the browser any more if the last active admin went."""
    if user.role != StaffRole.ADMIN or not user.active:
        return
    others = db.session.scalar(select(func.count(StaffUser.id)).where(
        StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True), StaffUser.id != user.id))
    if not others:
        raise NotAllowed(N_("%(name)s is the only active admin. Make another account admin first."),
                           name=user.username)


def set_active(user: StaffUser, active: bool, actor: StaffUser | None = None) -> None:
    if not active:
        _keep_an_admin(user)
    before = {"active": user.active}
    user.active = active
    after = {"active": active}
    if not active:  # re-enabling revives nothing: ended rows stay ended
        after["sessions_ended"] = staff_sessions.end_all(user, SessionEnd.DISABLED)
    audit.record("staff.enable" if active else "staff.disable", "staff_user", user.id, before, after, actor=actor)
    db.session.commit()


def set_role(user: StaffUser, role: str, actor: StaffUser | None = None) -> None:
    _check_role(role)
    if role != StaffRole.ADMIN:
        _keep_an_admin(user)
    before = {"role": user.role}
    after = {"role": role}
    if role != user.role:
        after["sessions_ended"] = staff_sessions.end_all(user, SessionEnd.ROLE)
    user.role = role
    audit.record("staff.role", "staff_user", user.id, before, after, actor=actor)
    db.session.commit()


def _attempt(username: str) -> dict:
    return {"username": (username or "")[:64], "ip": staff_sessions.ip_hash()}


def authenticate(username: str, password: str) -> StaffUser | None:
    """The account if the password is right; every failure is in the audit log. The same work is
    done for unknown and disabled names (a dummy hash), so neither answer nor timing tells them apart."""
    user = find(username)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        user = None
    elif not check_password_hash(user.password_hash, password):
        user = None
    if user is None:
        audit.record("staff.login_failed", "staff_login", (username or "")[:64], None, _attempt(username))
        db.session.commit()
    return user


def record_throttled(username: str, step: str, limit: str = "address") -> None:
    """limit: "address" (a limit that counts the address) or "anywhere" (the name's own)."""
    audit.record("staff.login_throttled", "staff_login", (username or "")[:64], None,
                 {**_attempt(username), "step": step, "limit": limit})
    db.session.commit()


def _fresh_browser_session() -> None:
    """Empties this browser's session, and ends on the server the staff session it held: clearing the
    cookie alone would leave a copy of it working (a shared PC where the next person logs in, an admin
    logged in again). Every step of a login that touches the session starts with this."""
    replaced = current_staff()
    if replaced is not None and replaced.current_session is not None:
        staff_sessions.end_row(replaced.current_session, SessionEnd.LOGOUT)
        db.session.commit()
    session.clear()


def login(user: StaffUser) -> None:
    """A fresh session (nothing of the visitor's old one kept) and a new session record."""
    _fresh_browser_session()
    staff_sessions.start(user)
    login_user(user)
    mark_proven()  # the login itself was typed with the password (and the code)
    # The session row is the record of a successful login (when, device, address hash, how it ended).
    user.last_login_at = staff_sessions.now()
    db.session.commit()


def logout() -> None:
    """Logging out ends the account's sessions everywhere (a phone left logged in at the office too)."""
    user = current_staff()
    if user is not None:
        staff_sessions.end_all(user, SessionEnd.LOGOUT)
        db.session.commit()
    logout_user()
    session.clear()


def start_second_step(user: StaffUser) -> None:
    """The password was right and the account has a second factor: wait for its code."""
    _fresh_browser_session()
    session["2fa_user"] = user.id
    session["2fa_since"] = staff_sessions.now().isoformat()
    session["2fa_password"] = _password_mark(user)


def _password_mark(user: StaffUser) -> str:
    """Which password the code step was reached with: a new one (reset by an admin, the owner or the command)
    ends the step, as it ends sessions. Keyed with the secret, so the cookie (signed, not encrypted) holds
    nothing of the hash; the hash is salted anew on every change, so even the same password set again counts."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"staff-2fa\x1f{user.password_hash}".encode(), hashlib.sha256).hexdigest()[:32]


def _session_time(key: str) -> datetime | None:
    """A moment this module kept in the signed session (ISO text); None when missing or unreadable."""
    value = session.get(key)
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def second_step_user() -> StaffUser | None:
    user_id, started = session.get("2fa_user"), _session_time("2fa_since")
    if not isinstance(user_id, int) or started is None:
        return None
    if staff_sessions.now() - started > SECOND_STEP_TIME:
        return None
    user = db.session.get(StaffUser, user_id)
    if user is None or not user.active or not user.totp_secret:
        return None
    mark = session.get("2fa_password")
    return user if isinstance(mark, str) and hmac.compare_digest(mark, _password_mark(user)) else None


def finish_second_step(user: StaffUser, code: str) -> bool:
    how = two_factor.verify(user, code)
    if how is None:
        audit.record("staff.login_failed", "staff_user", user.id, None, {**_attempt(user.username), "step": "code"})
        db.session.commit()
        return False
    login(user)
    return True


def confirm(user: StaffUser, proof: str, code_too: bool = True) -> bool:
    """Fresh proof that the person at the keyboard is the account's owner, not just someone holding
    its session: the current password, or (code_too) the code the authenticator app shows now. A
    failure is audited like a failed login (step "confirm")."""
    if (code_too and two_factor.current_code(user, proof)) or check_password_hash(user.password_hash, proof or ""):
        db.session.commit()  # a TOTP step, once used, is used
        return True
    audit.record("staff.login_failed", "staff_user", user.id, None, {**_attempt(user.username), "step": "confirm"})
    db.session.commit()
    return False


def reconfirm(user: StaffUser, password: str, code: str) -> bool:
    """The password again, and the second factor's code when the account has one (as at login: the app's
    code or a recovery code): what managing accounts asks after a while (staff/recent_password.py). A
    failure is audited like a failed login (step "confirm")."""
    right = check_password_hash(user.password_hash, password or "")
    if right and user.totp_secret:
        right = two_factor.verify(user, code or "") is not None
    if not right:
        audit.record("staff.login_failed", "staff_user", user.id, None, {**_attempt(user.username), "step": "confirm"})
    db.session.commit()  # a TOTP step or recovery code, once used, is used
    return right


def mark_proven() -> None:
    """This browser's session has just been given the password: kept in the signed cookie, so a copy of the
    cookie taken before does not gain it."""
    session["proven_at"] = staff_sessions.now().isoformat()


def proven_within(seconds: float) -> bool:
    moment = _session_time("proven_at")
    return moment is not None and staff_sessions.now() - moment <= timedelta(seconds=seconds)


def current_staff() -> StaffUser | None:
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user._get_current_object()  # noqa: SLF001 - the model, not the proxy


def end_session(user: StaffUser, session_id: int, actor: StaffUser) -> bool:
    row = staff_sessions.find(user, session_id)
    if row is None or row.ended_at is not None:
        return False
    staff_sessions.end_row(row, SessionEnd.ADMIN)
    audit.record("staff.session_end", "staff_user", user.id, None, {"session": row.id}, actor=actor)
    db.session.commit()
    return True


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
