"""Login throttling with Flask-Limiter: failed attempts are counted per address and per
address+username, each over a minute, an hour and a day, so the wait grows with the failures, and
per username from anywhere (a day by default), so spreading guesses over many addresses does not
multiply them. An IPv6 address counts as its /64: one subscriber usually holds a whole /64, and
each of its 2^64 addresses would otherwise be a fresh bucket.

The same limits count wrong proofs on the pages that ask for the password or a current code again
(turning the second factor on or off, new recovery codes, one's own new password, and every account action
once the password is no longer recent: staff/recent_password.py), keyed by the logged-in account.

The account key includes the address, so a flood from one address never locks the real person out
from another. It is built from the name as typed (in the form names are compared in, so "MÜLLER"
counts with "Müller"), whether or not such an account exists, so being throttled says nothing about
which names exist. Only failures (401) count; every refusal is audited.

An attempt is counted before its password is checked, and gives its count back once its answer is not a
failure. Counted after the check (Flask-Limiter's deduct_when), every guess sent before the first one had
failed was checked: a burst of parallel guesses went past the limit by the number in flight. Counting first
is the store's own atomic increment, so at most the limit's number of guesses is ever checked in a window;
meanwhile an attempt in flight counts as a failure, so a right password sent alongside a burst can be
refused until the burst's answers are given.
"""
from __future__ import annotations

from functools import wraps

from flask import after_this_request, current_app, g, request, session
from flask_limiter import RequestLimit
from limits.storage import MemcachedStorage

from ..extensions import client_network, limiter
from ..forms import posted_field
from ..services import auth
from ..usernames import username_key


def _network() -> str:
    """The address the limits count: IPv4 as is, IPv6 as its /64 (the residents' limits count the same)."""
    return client_network()


def _address_key() -> str:
    return f"staff-login:{_network()}"


# Pages where a logged-in member proves again who they are (staff/own_account.py); the account actions
# guarded by staff/recent_password.py are marked on their view instead.
PROOF_ENDPOINTS = {"staff.two_factor_enable", "staff.two_factor_codes", "staff.two_factor_disable"}


def _proof_page() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return request.endpoint in PROOF_ENDPOINTS or getattr(view, "asks_recent_password", False)


def _name() -> str:
    if request.endpoint == "staff.login_code":
        return f"#{session.get('2fa_user')}"  # the account waiting for its code
    if _proof_page():
        user = auth.current_staff()
        return f"#{user.id if user else None}"
    return username_key(posted_field("username"))[:64]


def _account_key() -> str:
    return f"staff-login:{_network()}:{_name()}"


def _anywhere_key() -> str:
    return f"staff-login-anywhere:{_name()}"


def _audit_breach(limit) -> None:
    if g.get("login_throttle_audited"):  # called once per limit breached; one entry per request
        return
    g.login_throttle_audited = True
    if _proof_page():
        step = "confirm"
    else:
        step = "code" if request.endpoint == "staff.login_code" else "password"
    which = "anywhere" if "staff-login-anywhere" in limit.key else "address"
    auth.record_throttled(posted_field("username") or _name(), step, which)


def _failed(response) -> bool:
    return response.status_code == 401


def _give_back(counted: RequestLimit) -> None:
    """Takes back this request's count, never below nothing: a count given back after its window ended
    must not lend the next window an attempt."""
    storage = limiter.limiter.storage
    if hasattr(storage, "decr"):  # memory:// (stops at 0, as memcached's decr does)
        storage.decr(counted.key)
    elif isinstance(storage, MemcachedStorage):
        storage.call_memcached_func(storage.storage.decr, counted.key, 1)
    elif storage.get(counted.key) > 0:  # redis, mongodb: an increment by -1 (a window ending between the two
        # calls can still lend one attempt: these stores have no decrement that stops at 0)
        storage.incr(counted.key, counted.limit.get_expiry(), amount=-1)


def _keep_only_failures(response):
    if not _failed(response):
        for counted in limiter.current_limits:  # the counts this request made, refused ones too
            _give_back(counted)
    return response


def throttled(view):
    """Applies the three limits to the POSTs of a login step."""
    common = {"methods": ["POST"], "on_breach": _audit_breach}
    # A fixed window (Flask-Limiter's default strategy): when an attacker trips this one, the real
    # person is refused until the window ends, never longer, however long the attack goes on.
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE"], key_func=_anywhere_key,
                         scope="staff-login-anywhere", **common)(view)
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
                         scope="staff-login-account", **common)(view)
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=_address_key,
                         scope="staff-login-address", **common)(view)

    @wraps(view)
    def counted_first(*args, **kwargs):
        if request.method == "POST" and limiter.enabled:
            after_this_request(_keep_only_failures)  # before the limits are counted: it runs on their 429 too
        return view(*args, **kwargs)

    return counted_first
