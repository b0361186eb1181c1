"""Optional TOTP second factor: enrolment (secret, otpauth URI, QR as inline SVG), login with a code,
one-time recovery codes, codes not reusable, required for admins with PORTAL_REQUIRE_2FA=1."""
from __future__ import annotations

import re
import time

import pyotp
import pytest

from conftest import STAFF_PASSWORD, csrf_from, login, make_staff, text_of
from staff_support import audit_entries, logged_in


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/staff/2fa").get_data(as_text=True)
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    assert "otpauth://totp/" in page and "<svg" in page and "<script" not in page
    wrong = client.post("/staff/2fa", data={"csrf_token": csrf_from(page), "code": "000000", "proof": STAFF_PASSWORD})
    assert wrong.status_code == 400
    r = client.post("/staff/2fa", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now(),
                                        "proof": STAFF_PASSWORD})
    assert r.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", r.get_data(as_text=True))
    return secret, codes


def _code_step(client, username: str, code: str):
    r = login(client, username)
    assert r.status_code == 302 and r.headers["Location"].startswith("/staff/login/code")
    page = client.get(r.headers["Location"])
    return client.post(r.headers["Location"], data={"csrf_token": csrf_from(page.data), "code": code})


def test_enrol_then_log_in_with_a_code_and_with_recovery_codes(app):
    from portal.extensions import db
    from portal.models import StaffUser

    uid = make_staff(app, "alice", "moderator")
    c = app.test_client()
    login(c, "alice")
    secret, codes = _enrol(c)
    assert len(codes) == len(set(codes)) == 10
    with app.app_context():
        stored = db.session.get(StaffUser, uid).recovery_codes
    assert len(stored) == 10 and not set(stored) & {code.replace("-", "") for code in codes}  # hashed
    assert [e.target_id for e in audit_entries(app, "staff.2fa_enable")] == [str(uid)]

    password_only = app.test_client()
    login(password_only, "alice")
    assert not logged_in(password_only)  # a right password alone is not enough now

    code = pyotp.TOTP(secret).at(time.time() + 30)  # the set-up used this step's code (each is accepted once)
    assert _code_step(app.test_client(), "alice", "123 456" if code != "123456" else "654321").status_code == 401
    phone = app.test_client()
    assert _code_step(phone, "alice", code).status_code == 302 and logged_in(phone)
    assert _code_step(app.test_client(), "alice", code).status_code == 401  # a code works once

    spare = app.test_client()
    assert _code_step(spare, "alice", codes[0].upper()).status_code == 302 and logged_in(spare)
    assert _code_step(app.test_client(), "alice", codes[0]).status_code == 401  # used up
    assert "9" in text_of(spare.get("/staff/2fa").data)  # 9 unused codes left
    assert audit_entries(app, "staff.2fa_recovery_used")[0].after == {"left": 9}
    failed = [e.after.get("step") for e in audit_entries(app, "staff.login_failed")]
    assert failed.count("code") == 3


def test_the_code_that_turned_the_factor_on_is_used_up(app):
    """Each time step is accepted once, the one proven at set-up too: whoever saw that code (over a shoulder,
    on a shared screen) and knows the password could otherwise log in with it for up to a minute and a half."""
    make_staff(app, "alice", "moderator")
    desk = app.test_client()
    login(desk, "alice")
    page = desk.get("/staff/2fa").get_data(as_text=True)
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    code = pyotp.TOTP(secret).now()
    assert desk.post("/staff/2fa", data={"csrf_token": csrf_from(page), "code": code,
                                         "proof": STAFF_PASSWORD}).status_code == 200
    assert _code_step(app.test_client(), "alice", code).status_code == 401
    token = csrf_from(desk.get("/staff/2fa").data)
    assert desk.post("/staff/2fa/off", data={"off-csrf_token": token, "off-proof": code}).status_code == 401
    later = pyotp.TOTP(secret).at(time.time() + 30)  # the next step's code: the app shows it soon
    phone = app.test_client()
    assert _code_step(phone, "alice", later).status_code == 302 and logged_in(phone)


def test_the_code_step_cannot_be_skipped(app):
    make_staff(app, "alice", "moderator")
    c = app.test_client()
    login(c, "alice")
    _enrol(c)
    other = app.test_client()
    r = login(other, "alice")
    assert other.get("/staff/").status_code == 302
    assert other.get("/staff/accounts").headers["Location"].startswith("/staff/login")
    assert app.test_client().get("/staff/login/code").headers["Location"] == "/staff/login"
    assert r.status_code == 302


def test_admins_must_enrol_when_required(app_factory):
    app = app_factory(REQUIRE_2FA=True)
    make_staff(app, "root", "admin")
    make_staff(app, "mod", "moderator")
    admin, moderator = app.test_client(), app.test_client()
    login(admin, "root")
    login(moderator, "mod")
    r = admin.get("/staff/accounts")
    assert r.status_code == 302 and r.headers["Location"] == "/staff/2fa"
    assert "管理员必须先设置第二重验证" in text_of(admin.get("/staff/2fa").data)
    assert moderator.get("/staff/moderation").status_code == 200  # optional for other roles
    _enrol(admin)
    assert admin.get("/staff/accounts").status_code == 200
    page = admin.get("/staff/2fa").get_data(as_text=True)
    assert "/staff/2fa/off" not in page  # admins cannot turn it off while it is required
    r = admin.post("/staff/2fa/off", data={"off-csrf_token": csrf_from(page), "off-proof": STAFF_PASSWORD})
    assert r.status_code == 400


def test_cli_resets_a_lost_second_factor(app):
    make_staff(app, "alice", "moderator")
    c = app.test_client()
    login(c, "alice")
    _enrol(c)
    r = app.test_cli_runner().invoke(args=["staff", "reset-2fa", "alice"])
    assert r.exit_code == 0 and "second factor turned off for alice" in r.output
    fresh = app.test_client()
    assert login(fresh, "alice").headers["Location"] == "/staff/" and logged_in(fresh)


def _stored(app, uid: int) -> tuple:
    from portal.extensions import db
    from portal.models import StaffUser

    with app.app_context():
        user = db.session.get(StaffUser, uid)
        return user.totp_secret, list(user.recovery_codes or [])


def test_changing_the_factor_needs_fresh_proof_and_ends_other_sessions(app):
    uid = make_staff(app, "alice", "moderator")
    desk = app.test_client()
    login(desk, "alice")
    secret, codes = _enrol(desk)
    phone = app.test_client()
    assert _code_step(phone, "alice", codes[0]).status_code == 302 and logged_in(phone)
    before = _stored(app, uid)

    # The session alone (its CSRF token) is not enough, nor is a wrong password.
    token = csrf_from(desk.get("/staff/2fa").data)
    for action in ("off", "codes"):
        for proof, status in (("", 400), ("not the password", 401), ("000000", 401)):
            r = desk.post(f"/staff/2fa/{action}", data={f"{action}-csrf_token": token, f"{action}-proof": proof})
            assert r.status_code == status
    assert _stored(app, uid) == before and logged_in(phone)
    assert [e.after["step"] for e in audit_entries(app, "staff.login_failed")].count("confirm") == 4

    # New codes with the app's current code: the other device is logged out, this one is not.
    r = desk.post("/staff/2fa/codes", data={"codes-csrf_token": token, "codes-proof": pyotp.TOTP(secret).at(time.time() + 30)})
    assert r.status_code == 200 and _stored(app, uid)[1] != before[1]
    assert not logged_in(phone) and logged_in(desk)
    assert audit_entries(app, "staff.2fa_new_codes")[0].after["sessions_ended"] == 1

    r = desk.post("/staff/2fa/off", data={"off-csrf_token": token, "off-proof": STAFF_PASSWORD})
    assert r.status_code == 302 and _stored(app, uid) == (None, [])
    assert logged_in(desk)


def test_the_secret_being_set_up_stays_on_the_server(app):
    from portal.extensions import db
    from portal.models import StaffSession

    uid = make_staff(app, "alice", "moderator")
    c = app.test_client()
    login(c, "alice")
    page = c.get("/staff/2fa").get_data(as_text=True)
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    cookie = app.session_interface.get_signing_serializer(app).loads(c.get_cookie("session").value)
    assert secret not in str(cookie)  # Flask's cookie is signed, not encrypted: anyone holding it reads it
    assert secret in c.get("/staff/2fa").get_data(as_text=True)  # the same secret until it is proven
    with app.app_context():
        assert db.session.query(StaffSession).filter_by(staff_id=uid).one().totp_pending == secret
    r = c.post("/staff/2fa", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now(),
                                   "proof": STAFF_PASSWORD})
    assert r.status_code == 200
    with app.app_context():
        assert db.session.query(StaffSession).filter_by(staff_id=uid).one().totp_pending is None


def test_a_session_replaced_by_a_login_with_a_second_factor_ends_on_the_server(app):
    """The shared PC again, when the next person has a second factor: their right password already
    replaces the session in that browser, so a copy of the last person's cookie must stop working then
    too, whether or not the code step is ever finished."""
    make_staff(app, "alice", "moderator")
    make_staff(app, "bob", "moderator")
    bobs_phone = app.test_client()
    login(bobs_phone, "bob")
    secret, _codes = _enrol(bobs_phone)

    shared_pc = app.test_client()
    login(shared_pc, "alice")
    copy = app.test_client()
    copy.set_cookie("session", shared_pc.get_cookie("session").value)
    assert logged_in(copy)
    r = login(shared_pc, "bob")  # bob's password over alice's session: the code step comes next
    assert r.headers["Location"].startswith("/staff/login/code")
    assert not logged_in(copy)


def test_turning_the_factor_on_needs_the_password_too(app):
    """A session alone (a copy of the cookie, a PC left logged in) could turn the factor on with the thief's
    phone: the owner's other sessions ended and their password no longer let them in, so they could not even
    log out the thief. Turning it on needs the password, as turning it off and new codes do."""
    uid = make_staff(app, "alice", "moderator")
    desk = app.test_client()
    login(desk, "alice")
    thief = app.test_client()
    thief.set_cookie("session", desk.get_cookie("session").value)
    page = thief.get("/staff/2fa").get_data(as_text=True)
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    for proof in ("", "not the password"):
        r = thief.post("/staff/2fa", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now(),
                                           "proof": proof})
        assert r.status_code in (400, 401)
    assert _stored(app, uid) == (None, [])
    assert logged_in(desk)
    assert [e.after["step"] for e in audit_entries(app, "staff.login_failed")] == ["confirm"]


NEW_PASSWORD = "another long passphrase"


def _reset_by_admin(app, uid):
    from feedback_support import staff_token

    admin = app.test_client()
    make_staff(app, "boss", "admin")
    login(admin, "boss")
    return admin.post(f"/staff/accounts/{uid}/password", data={
        f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-password": NEW_PASSWORD, f"u{uid}-confirm": NEW_PASSWORD})


def _reset_by_owner(app, uid, owner):
    from feedback_support import staff_token

    return owner.post(f"/staff/accounts/{uid}/password", data={
        f"u{uid}-csrf_token": staff_token(owner), f"u{uid}-current": STAFF_PASSWORD,
        f"u{uid}-password": NEW_PASSWORD, f"u{uid}-confirm": NEW_PASSWORD})


def _reset_by_command(app, uid, owner):
    r = app.test_cli_runner().invoke(args=["staff", "reset-password", "alice"], input=NEW_PASSWORD + "\n")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("reset", ["admin", "owner", "command"])
def test_a_password_reset_ends_a_second_step_already_started(app, reset):
    """Someone who had the old password and reached the code step kept it for its 5 minutes after the
    password was reset (disabling the account or resetting the factor did end it): with a code, a recovery
    code or a phone in reach, the reset did not keep them out."""
    uid = make_staff(app, "alice", "admin")
    owner = app.test_client()
    login(owner, "alice")
    secret, codes = _enrol(owner)
    thief = app.test_client()
    assert login(thief, "alice").headers["Location"].startswith("/staff/login/code")
    page = thief.get("/staff/login/code")
    assert page.status_code == 200
    if reset == "admin":
        assert _reset_by_admin(app, uid).status_code == 302
    elif reset == "owner":
        assert _reset_by_owner(app, uid, owner).status_code == 302
    else:
        _reset_by_command(app, uid, owner)
    r = thief.post("/staff/login/code", data={"csrf_token": csrf_from(page.data), "code": codes[0]})
    assert r.status_code == 302 and r.headers["Location"] == "/staff/login"
    assert not logged_in(thief)
    assert thief.get("/staff/login/code").headers["Location"] == "/staff/login"
    # The owner, with the new password, still gets the code step and in.
    fresh = app.test_client()
    assert login(fresh, "alice", NEW_PASSWORD).headers["Location"].startswith("/staff/login/code")
