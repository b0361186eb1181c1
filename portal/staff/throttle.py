"""Login throttling with Flask-Limiter: failed attempts are counted per address and per
address+username, each over a minute, an hour and a day, so the wait grows with the failures.

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


def _account_key() -> str:
    if request.endpoint == "staff.login_code":
        name = f"#{session.get('2fa_user')}"  # the account waiting for its code
    else:
        name = (request.form.get("username") or "").strip().lower()[:64]
    return f"staff-login:{get_remote_address()}:{name}"


def _audit_breach(_limit) -> None:
    if g.get("login_throttle_audited"):  # called once per limit breached; one entry per request
        return
    g.login_throttle_audited = True
    step = "code" if request.endpoint == "staff.login_code" else "password"
    auth.record_throttled(request.form.get("username") or f"#{session.get('2fa_user')}", step)


def _failed(response) -> bool:
    return response.status_code == 401


def throttled(view):
    """Applies both limits to the POSTs of a login step."""
    common = {"methods": ["POST"], "deduct_when": _failed, "on_breach": _audit_breach}
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
                         scope="staff-login-account", **common)(view)
    return limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=_address_key,
                         scope="staff-login-address", **common)(view)
