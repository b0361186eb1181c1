"""Staff sessions are server-side records: logout, disabling, a new role or password end every session
of the account at once; re-enabling revives none; idle and absolute limits hold; the cookie holds no
part of the password hash; admins see and end sessions."""
from __future__ import annotations

import json

import pytest

from conftest import login, make_staff, text_of
from feedback_support import staff_token
from staff_support import Clock, audit_entries, client_at, logged_in, user_id

NEW_PASSWORD = "another long passphrase"


def _two_sessions(app, username="alice"):
    first, second = app.test_client(), app.test_client()
    assert login(first, username).status_code == 302 and login(second, username).status_code == 302
    assert logged_in(first) and logged_in(second)
    return first, second


def _logout(app, first, uid, admin):
    first.post("/staff/logout", data={"csrf_token": staff_token(first)})


def _disable(app, first, uid, admin):
    assert admin.post(f"/staff/accounts/{uid}/disable", data={f"u{uid}-csrf_token": staff_token(admin)}).status_code == 302


def _role(app, first, uid, admin):
    r = admin.post(f"/staff/accounts/{uid}/role", data={f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-role": "editor"})
    assert r.status_code == 302


def _password(app, first, uid, admin):
    r = admin.post(f"/staff/accounts/{uid}/password", data={
        f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-password": NEW_PASSWORD, f"u{uid}-confirm": NEW_PASSWORD})
    assert r.status_code == 302


def _cli_password(app, first, uid, admin):
    r = app.test_cli_runner().invoke(args=["staff", "reset-password", "alice"], input=NEW_PASSWORD + "\n")
    assert r.exit_code == 0, r.output


def _cli_end_sessions(app, first, uid, admin):
    r = app.test_cli_runner().invoke(args=["staff", "end-sessions", "alice"])
    assert r.exit_code == 0 and "ended 2 session(s) of alice" in r.output, r.output


@pytest.mark.parametrize("end", [_logout, _disable, _role, _password, _cli_password, _cli_end_sessions])
def test_each_way_of_ending_ends_every_session_of_the_account(app, staff_client, end):
    uid = make_staff(app, "alice", "moderator")
    admin = staff_client("admin")
    first, second = _two_sessions(app)
    end(app, first, uid, admin)
    for client in (first, second):
        r = client.get("/staff/")
        assert r.status_code == 302 and r.headers["Location"].startswith("/staff/login")
    assert logged_in(admin)  # the admin's own session is untouched


def test_re_enabling_an_account_does_not_revive_its_sessions(app, staff_client):
    uid = make_staff(app, "alice", "moderator")
    admin = staff_client("admin")
    first, second = _two_sessions(app)
    token = {f"u{uid}-csrf_token": staff_token(admin)}
    admin.post(f"/staff/accounts/{uid}/disable", data=token)
    admin.post(f"/staff/accounts/{uid}/enable", data=token)
    assert not logged_in(first) and not logged_in(second)
    fresh = app.test_client()
    assert login(fresh, "alice").status_code == 302 and logged_in(fresh)


@pytest.mark.parametrize("steps, still_in", [
    ([dict(minutes=29)], True),                          # within the idle limit
    ([dict(minutes=31)], False),                         # idle for longer than 30 minutes
    ([dict(minutes=25)] * 28, True),                     # busy for 11h40
    ([dict(minutes=25)] * 29, False),                    # busy, but past the 12-hour lifetime
])
def test_idle_and_absolute_limits(app_factory, steps, still_in):
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock)
    make_staff(app, "alice", "moderator")
    c = app.test_client()
    login(c, "alice")
    for n, step in enumerate(steps, 1):
        clock.advance(**step)
        if n < len(steps):
            assert logged_in(c), f"bounced at step {n}"
    assert logged_in(c) is still_in


def test_old_session_rows_are_dropped_at_the_next_login(app_factory):
    from portal.extensions import db
    from portal.models import StaffSession

    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock)
    make_staff(app, "alice", "moderator")
    login(app.test_client(), "alice")
    clock.advance(days=89)
    login(app.test_client(), "alice")
    clock.advance(days=2)
    login(app.test_client(), "alice")
    with app.app_context():
        assert db.session.query(StaffSession).count() == 2  # the first, 91 days old, is gone


def test_limits_follow_the_settings(app_factory):
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock, STAFF_IDLE_MINUTES=5, STAFF_SESSION_HOURS=1)
    make_staff(app, "alice", "moderator")
    c = app.test_client()
    login(c, "alice")
    clock.advance(minutes=6)
    assert not logged_in(c)


def test_the_cookie_holds_a_session_token_and_no_part_of_the_password_hash(app):
    from portal.extensions import db
    from portal.models import StaffSession, StaffUser

    uid = make_staff(app, "alice", "moderator")
    c = app.test_client()
    r = login(c, "alice")
    raw = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session=")).split(";")[0][8:]
    data = app.session_interface.get_signing_serializer(app).loads(raw)
    stored = json.dumps(data)
    with app.app_context():
        pw_hash = db.session.get(StaffUser, uid).password_hash
        rows = db.session.query(StaffSession).filter_by(staff_id=uid).all()
    # Every 6-character piece of the hash (salt and digest alike) is absent from the cookie.
    pieces = {pw_hash[i:i + 6] for i in range(len(pw_hash) - 5)}
    assert not [p for p in pieces if p in stored]
    assert data["_user_id"] != str(uid) and len(data["_user_id"]) >= 40
    assert len(rows) == 1 and rows[0].token_hash != data["_user_id"]  # the database holds only its SHA-256


def test_admin_sees_each_accounts_sessions_and_ends_one(app, staff_client):
    uid = make_staff(app, "alice", "moderator")
    phone = client_at(app, "198.51.100.7", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36")
    desk = client_at(app, "198.51.100.8", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0")
    login(phone, "alice")
    login(desk, "alice")
    admin = staff_client("admin")
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert "Chrome on Android" in page and "Firefox on Windows" in page
    from portal.extensions import db
    from portal.models import StaffSession

    with app.app_context():
        sid = db.session.query(StaffSession).filter(StaffSession.user_agent == "Chrome on Android").one().id
    action = f"/staff/accounts/{uid}/sessions/{sid}/end"
    assert action in page
    r = admin.post(action, data={f"u{uid}-csrf_token": staff_token(admin)})
    assert r.status_code == 302
    assert not logged_in(phone) and logged_in(desk)
    assert "Chrome on Android" not in admin.get("/staff/accounts").get_data(as_text=True)
    assert [e.after for e in audit_entries(app, "staff.session_end")] == [{"session": sid}]
    assert user_id(app, "alice") == uid


def test_an_admin_who_changes_their_own_role_stays_logged_in_elsewhere_not(app, staff_client):
    admin = staff_client("admin")
    staff_client("admin")  # a second admin, so the first may step down
    other_device = app.test_client()
    login(other_device, "admin-0")
    uid = user_id(app, "admin-0")
    r = admin.post(f"/staff/accounts/{uid}/role", data={f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-role": "editor"})
    assert r.status_code == 302 and r.headers["Location"] == "/staff/"
    assert logged_in(admin) and not logged_in(other_device)
    assert "工作人员账号" not in text_of(admin.get("/staff/").data)  # now an editor


def test_a_session_replaced_by_a_new_login_ends_on_the_server(app, staff_client):
    from portal.extensions import db
    from portal.models import StaffSession

    make_staff(app, "alice", "moderator")
    make_staff(app, "bob", "moderator")
    shared_pc = app.test_client()
    login(shared_pc, "alice")
    copy = app.test_client()
    copy.set_cookie("session", shared_pc.get_cookie("session").value)
    assert logged_in(copy)
    login(shared_pc, "bob")  # the next person logs in over alice's session
    assert logged_in(shared_pc) and not logged_in(copy)

    # An admin saving their own role unchanged is not logged in again: no new session, none left open.
    admin = staff_client("admin")
    uid = user_id(app, "admin-0")
    r = admin.post(f"/staff/accounts/{uid}/role", data={f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-role": "admin"})
    assert r.status_code == 302 and logged_in(admin)
    with app.app_context():
        assert db.session.query(StaffSession).filter_by(staff_id=uid).count() == 1
