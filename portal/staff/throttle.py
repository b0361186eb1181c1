"""Login throttling with Flask-Limiter: failed attempts are counted per address and per
address+username, each over a minute, an hour and a day, so the wait grows with the failures.

The same limits count wrong proofs on the own-account pages that ask for the password or a current
code again (turning the second factor off, new recovery codes), keyed by the logged-in account.

The account key includes the address, so a flood from one address never locks the real person out
from another. It is built from the name as typed, whether or not such an account exists, so being
throttled says nothing about which names exist. Only failures (401) count; every refusal is audited.
"""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..services import auth


def _address_key() -> str:
    return f"staff-login:{get_remote_address()}"


# Pages where a logged-in member proves again who they are (staff/own_account.py).
PROOF_ENDPOINTS = {"staff.two_factor_codes", "staff.two_factor_disable"}


def _name() -> str:
    if request.endpoint == "staff.login_code":
        return f"#{session.get('2fa_user')}"  # the account waiting for its code
    if request.endpoint in PROOF_ENDPOINTS:
        user = auth.current_staff()
        return f"#{user.id if user else None}"
    return (request.form.get("username") or "").strip().lower()[:64]


def _account_key() -> str:
    return f"staff-login:{get_remote_address()}:{_name()}"


def _audit_breach(_limit) -> None:
    if g.get("login_throttle_audited"):  # called once per limit breached; one entry per request
        return
    g.login_throttle_audited = True
    if request.endpoint in PROOF_ENDPOINTS:
        step = "confirm"
    else:
        step = "code" if request.endpoint == "staff.login_code" else "password"
    auth.record_throttled(request.form.get("username") or _name(), step)


def _failed(response) -> bool:
    return response.status_code == 401


def throttled(view):
    """Applies both limits to the POSTs of a login step."""
    common = {"methods": ["POST"], "deduct_when": _failed, "on_breach": _audit_breach}
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
                         scope="staff-login-account", **common)(view)
    return limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=_address_key,
                         scope="staff-login-address", **common)(view)
