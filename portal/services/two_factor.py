"""Optional second factor: TOTP (RFC 6238, via pyotp) and ten one-time recovery codes.

Recovery codes are random (50 bits each), so a plain SHA-256 is enough to store them: unlike
passwords they cannot be guessed from a dictionary. Each TOTP time step is accepted once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
from flask import current_app

from ..extensions import db
from ..models import StaffUser
from ..states import SessionEnd, StaffRole
from . import audit, staff_sessions

ISSUER = "Zhangjiang work points"
RECOVERY_CODES = 10
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read off paper without doubt


def new_secret() -> str:
    return pyotp.random_base32()


def otpauth_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def required_for(user: StaffUser) -> bool:
    return bool(current_app.config.get("REQUIRE_2FA")) and user.role == StaffRole.ADMIN


def needs_enrolment(user: StaffUser) -> bool:
    return required_for(user) and not user.totp_secret


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "").strip().lower() if ch.isascii() and ch.isalnum())


def _step_matching(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step whose code this is (one step of clock drift either way), if not used before."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(time.time()) // totp.interval
    for step in (current, current - 1, current + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_new_secret(secret: str, code: str) -> int | None:
    """The time step of `code` under the secret being set up, or None; enable() records it as used."""
    return _step_matching(secret, _clean(code), None)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _new_codes() -> list[str]:
    return ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _end_other_sessions(user: StaffUser) -> int:
    # A session opened before the factor changed was opened under the old rules (or by whoever held
    # the old codes): it ends, as after a new password. The one making the change stays logged in.
    return staff_sessions.end_others(user, SessionEnd.SECOND_FACTOR)


def pending_secret(user: StaffUser) -> str:
    """The secret being set up in this session, made on first use. It is kept on the session row,
    never in the cookie: Flask's cookie is signed, not encrypted, so a copy of it would give the key."""
    row = user.current_session
    if not (isinstance(row.totp_pending, str) and len(row.totp_pending) == 32):
        row.totp_pending = new_secret()
        db.session.commit()
    return row.totp_pending


def enable(user: StaffUser, secret: str, proven_step: int) -> list[str]:
    """Turns the second factor on; returns the recovery codes, to be shown once. `proven_step`: the time step
    whose code proved the app has the secret, used up like any other (it logged in for up to 90 s after)."""
    codes = _new_codes()
    user.totp_secret = secret
    user.totp_last_step = proven_step
    user.recovery_codes = [_hash(c) for c in codes]
    if user.current_session is not None:
        user.current_session.totp_pending = None
    ended = _end_other_sessions(user)
    audit.record("staff.2fa_enable", "staff_user", user.id, None,
                 {"recovery_codes": len(codes), "sessions_ended": ended}, actor=user)
    db.session.commit()
    return [format_code(c) for c in codes]


def new_recovery_codes(user: StaffUser) -> list[str]:
    codes = _new_codes()
    user.recovery_codes = [_hash(c) for c in codes]
    ended = _end_other_sessions(user)
    audit.record("staff.2fa_new_codes", "staff_user", user.id, None,
                 {"recovery_codes": len(codes), "sessions_ended": ended}, actor=user)
    db.session.commit()
    return [format_code(c) for c in codes]


def disable(user: StaffUser, actor: StaffUser | None = None) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_codes = None
    ended = _end_other_sessions(user)
    audit.record("staff.2fa_disable", "staff_user", user.id, None, {"sessions_ended": ended}, actor=actor)
    db.session.commit()


def current_code(user: StaffUser, code: str) -> bool:
    """Whether `code` is the app's code for now (not a recovery code); the time step is used up."""
    step = _step_matching(user.totp_secret, _clean(code), user.totp_last_step) if user.totp_secret else None
    if step is None:
        return False
    user.totp_last_step = step
    return True


def verify(user: StaffUser, code: str) -> str | None:
    """'totp' or 'recovery' when the code is good (a recovery code is used up), else None."""
    code = _clean(code)
    if not user.totp_secret:
        return None
    step = _step_matching(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return "totp"
    hashes = list(user.recovery_codes or [])
    digest = _hash(code)
    match = next((h for h in hashes if hmac.compare_digest(h, digest)), None)
    if len(code) == 10 and match:
        hashes.remove(match)
        user.recovery_codes = hashes  # a new list, so SQLAlchemy sees the JSON column change
        audit.record("staff.2fa_recovery_used", "staff_user", user.id, None, {"left": len(hashes)}, actor=user)
        return "recovery"
    return None


def codes_left(user: StaffUser) -> int:
    return len(user.recovery_codes or [])
