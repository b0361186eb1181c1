"""Staff login, roles, the `flask staff` commands and account management in the browser."""
from __future__ import annotations

import pytest

from conftest import STAFF_PASSWORD, csrf_from, login, make_staff, text_of
from feedback_support import staff_token

NEW_PASSWORD = "another long passphrase"


def _user(app, username: str):
    from portal.extensions import db
    from portal.services.auth import find

    with app.app_context():
        user = find(username)
        if user is not None:
            db.session.expunge(user)
        return user


def _audit_actions(app) -> list[tuple[str, str, str]]:
    from portal.extensions import db
    from portal.models import AuditLog

    with app.app_context():
        return [(e.username, e.action, e.target_id) for e in db.session.query(AuditLog).order_by(AuditLog.id)]


# --- login, logout ----------------------------------------------------------------------------

def test_login_and_logout(app):
    make_staff(app, "alice", "moderator")
    c = app.test_client()
    r = login(c, "alice")
    assert r.status_code == 302 and r.headers["Location"] == "/staff/"
    assert "alice" in text_of(c.get("/staff/").data)
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    r = c.post("/staff/logout", data={"csrf_token": staff_token(c)})
    assert r.status_code == 302 and r.headers["Location"] == "/staff/login"
    assert c.get("/staff/").status_code == 302


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(app):
    make_staff(app, "alice", "moderator")
    c = app.test_client()
    r = c.get("/staff/moderation?view=all")
    assert r.status_code == 302 and "/staff/login?next=" in r.headers["Location"]
    page = c.get(r.headers["Location"])
    r = c.post("/staff/login?next=/staff/moderation?view%3Dall", data={
        "username": "alice", "password": STAFF_PASSWORD, "csrf_token": csrf_from(page.data)})
    assert r.headers["Location"] == "/staff/moderation?view=all"
    c2 = app.test_client()
    page = c2.get("/staff/login")
    r = c2.post("/staff/login?next=//evil.example/", data={
        "username": "alice", "password": STAFF_PASSWORD, "csrf_token": csrf_from(page.data)})
    assert r.headers["Location"] == "/staff/"


def test_wrong_password_and_unknown_user_get_the_same_answer(app):
    make_staff(app, "alice", "moderator")
    wrong = login(app.test_client(), "alice", "wrong password!")
    unknown = login(app.test_client(), "nobody", "wrong password!")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误。" in text_of(wrong.data) and "用户名或密码错误。" in text_of(unknown.data)


def test_a_disabled_account_cannot_log_in_and_its_session_ends(app, staff_client):
    make_staff(app, "alice", "moderator")
    c = app.test_client()
    login(c, "alice")
    admin = staff_client("admin")
    uid = _user(app, "alice").id
    r = admin.post(f"/staff/accounts/{uid}/disable", data={f"u{uid}-csrf_token": staff_token(admin)})
    assert r.status_code == 302
    assert c.get("/staff/").status_code == 302  # logged out at the next request
    assert login(app.test_client(), "alice").status_code == 401


# --- roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_only_admins_manage_accounts_and_read_the_audit_log(app, staff_client, role):
    c = staff_client(role)
    token = staff_token(c)
    assert c.get("/staff/accounts").status_code == 403
    assert c.get("/staff/audit").status_code == 403
    r = c.post("/staff/accounts", data={"csrf_token": token, "username": "mallory", "role": "admin",
                                        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 403 and _user(app, "mallory") is None
    own = _user(app, f"{role}-0").id
    r = c.post(f"/staff/accounts/{own}/role", data={f"u{own}-csrf_token": token, f"u{own}-role": "admin"})
    assert r.status_code == 403 and _user(app, f"{role}-0").role == role
    nav = text_of(c.get("/staff/").data)
    assert "工作人员账号" not in nav and "操作日志" not in nav


def test_admin_sees_accounts_and_audit_log(app, staff_client):
    c = staff_client("admin")
    assert c.get("/staff/accounts").status_code == 200
    assert c.get("/staff/audit").status_code == 200
    nav = text_of(c.get("/staff/").data)
    assert "工作人员账号" in nav and "留言审核" in nav


def test_moderation_actions_appear_in_the_audit_log_for_admins(app, staff_client):
    from feedback_support import decide, submit_direct

    fid, _ = submit_direct(app)
    moderator = staff_client("moderator")
    decide(moderator, fid, "reject", reason="与本项无关")
    page = text_of(staff_client("admin").get("/staff/audit").data)
    assert "moderator-0" in page and "feedback.reject" in page and "与本项无关" in page
    assert "状态 已收到，等待审核" in page and '"pending"' not in page  # the state before, readable, not JSON


# --- the command line -------------------------------------------------------------------------

def _cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["staff", *args], input=input)


def test_cli_create_reads_the_password_from_stdin(app):
    r = _cli(app, "create", "bob", "--role", "editor", input=NEW_PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert "created bob (editor)" in r.output
    assert NEW_PASSWORD not in r.output
    user = _user(app, "bob")
    assert user.role == "editor" and user.password_hash.startswith("scrypt:")
    assert login(app.test_client(), "bob", NEW_PASSWORD).status_code == 302
    assert ("cli", "staff.create", str(user.id)) in _audit_actions(app)


@pytest.mark.parametrize("args, stdin, message", [
    (["create", "bob", "--role", "editor"], "short\n", "at least 10 characters"),
    (["create", "bob", "--role", "boss"], NEW_PASSWORD + "\n", "Invalid value for '--role'"),
    (["create", "alice", "--role", "editor"], NEW_PASSWORD + "\n", "There is already an account named alice."),
    (["disable", "nobody"], None, "no user 'nobody'"),
    (["reset-password", "nobody"], NEW_PASSWORD + "\n", "no user 'nobody'"),
])
def test_cli_errors_are_clear(app, args, stdin, message):
    make_staff(app, "alice", "moderator")
    r = _cli(app, *args, input=stdin)
    assert r.exit_code != 0 and message in r.output
    assert _user(app, "bob") is None


def test_cli_speaks_chinese_in_a_chinese_terminal(app, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    refused = _cli(app, "create", "bob", "--role", "editor", input="short\n")
    assert refused.exit_code != 0 and "密码至少需要 10 个字符" in refused.output  # the service's refusal too
    assert "已创建账号 bob（editor）" in _cli(app, "create", "bob", "--role", "editor", input=NEW_PASSWORD + "\n").output


def test_cli_disable_enable_and_reset_password(app):
    make_staff(app, "alice", "moderator")
    assert _cli(app, "disable", "alice").exit_code == 0
    assert _user(app, "alice").active is False
    assert login(app.test_client(), "alice").status_code == 401
    assert _cli(app, "enable", "alice").exit_code == 0
    r = _cli(app, "reset-password", "alice", input=NEW_PASSWORD + "\n")
    assert r.exit_code == 0 and "password reset for alice" in r.output
    assert login(app.test_client(), "alice").status_code == 401
    assert login(app.test_client(), "alice", NEW_PASSWORD).status_code == 302


def test_cli_refuses_to_disable_the_last_admin(app):
    make_staff(app, "root", "admin")
    r = _cli(app, "disable", "root")
    assert r.exit_code != 0 and "only active admin" in r.output
    assert _user(app, "root").active is True


# --- accounts in the browser ------------------------------------------------------------------

def _create(c, **fields):
    data = {"csrf_token": staff_token(c), "username": "carol", "role": "moderator", "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}
    data.update(fields)
    return c.post("/staff/accounts", data=data)


def test_admin_creates_an_account_that_can_log_in(app, staff_client):
    admin = staff_client("admin")
    r = _create(admin, role="editor")
    assert r.status_code == 302
    assert _user(app, "carol").role == "editor"
    assert "已创建账号 carol" in text_of(admin.get("/staff/accounts").data)
    assert login(app.test_client(), "carol", NEW_PASSWORD).status_code == 302
    assert ("admin-0", "staff.create", str(_user(app, "carol").id)) in _audit_actions(app)


@pytest.mark.parametrize("fields, field, message", [
    ({"password": "short", "confirm": "short"}, "password", "至少 10 个字符。"),
    ({"confirm": "something else entirely"}, "confirm", "两次输入的密码不一致。"),
    ({"username": "has space"}, "username", "只能使用字母、数字、点、连字符和下划线"),
    ({"username": ""}, "username", "此项必填。"),
    ({"role": "superuser"}, "role", "不是有效的选择"),
])
def test_create_account_errors_beside_the_field_with_the_name_kept(app, staff_client, fields, field, message):
    admin = staff_client("admin")
    r = _create(admin, **fields)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page and 'id="error-summary"' in page
    if fields.get("username", "carol") == "carol":
        assert 'value="carol"' in page
    assert NEW_PASSWORD not in page  # a password is never sent back
    assert _user(app, "carol") is None


def test_create_account_with_a_taken_name(app, staff_client):
    admin = staff_client("admin")
    make_staff(app, "carol", "moderator")
    r = _create(admin, username="CAROL")
    assert r.status_code == 400 and "已有名为 CAROL 的账号。" in text_of(r.data)


def test_create_account_sent_twice_answers_as_the_first_time(app, staff_client):
    """A double tap on "create account": the second answer must not say the name is taken, or the admin
    believes the account was not made."""
    admin = staff_client("admin")
    first = _create(admin)
    again = _create(admin)
    assert first.status_code == again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "已创建账号 carol" in text_of(admin.get("/staff/accounts").data)
    assert [a for a in _audit_actions(app) if a[1] == "staff.create" and a[2] == str(_user(app, "carol").id)] == [
        ("admin-0", "staff.create", str(_user(app, "carol").id))]  # created once


def _created_minutes_ago(app, username: str, minutes: int) -> None:
    from datetime import timedelta

    from portal.extensions import db
    from portal.services.auth import find

    with app.app_context():
        user = find(username)
        user.created_at -= timedelta(minutes=minutes)
        db.session.commit()


@pytest.mark.parametrize("who, second, later", [
    ("other admin", {}, 0),
    ("same admin", {"role": "editor"}, 0),
    ("same admin", {"password": NEW_PASSWORD + "!", "confirm": NEW_PASSWORD + "!"}, 0),
    ("same admin", {"username": "Carol"}, 0),
    ("same admin", {}, 10),
])
def test_a_name_taken_by_another_request_is_still_taken(app, staff_client, who, second, later):
    admin = staff_client("admin")
    assert _create(admin).status_code == 302
    _created_minutes_ago(app, "carol", later)
    other = staff_client("admin") if who == "other admin" else admin
    r = _create(other, **second)
    assert r.status_code == 400 and "的账号。" in text_of(r.data)
    assert _user(app, "carol").role == "moderator" and login(app.test_client(), "carol", NEW_PASSWORD).status_code == 302


def test_the_command_says_taken_even_right_after_creating(app):
    assert _cli(app, "create", "bob", "--role", "editor", input=NEW_PASSWORD + "\n").exit_code == 0
    again = _cli(app, "create", "bob", "--role", "editor", input=NEW_PASSWORD + "\n")
    assert again.exit_code != 0 and "There is already an account named bob." in again.output


def test_admin_changes_a_role(app, staff_client):
    admin = staff_client("admin")
    uid = make_staff(app, "dave", "moderator")
    r = admin.post(f"/staff/accounts/{uid}/role", data={f"u{uid}-csrf_token": staff_token(admin),
                                                        f"u{uid}-role": "editor"})
    assert r.status_code == 302 and _user(app, "dave").role == "editor"
    from portal.extensions import db
    from portal.models import AuditLog

    with app.app_context():
        entry = db.session.query(AuditLog).filter_by(action="staff.role").one()
        assert (entry.username, entry.before, entry.after) == (
            "admin-0", {"role": "moderator"}, {"role": "editor", "sessions_ended": 0})


def test_the_last_admin_cannot_demote_or_disable_themselves(app, staff_client):
    admin = staff_client("admin")
    uid = _user(app, "admin-0").id
    r = admin.post(f"/staff/accounts/{uid}/role", data={f"u{uid}-csrf_token": staff_token(admin),
                                                        f"u{uid}-role": "moderator"})
    assert r.status_code == 400 and "admin-0 是唯一启用的管理员" in text_of(r.data)
    r = admin.post(f"/staff/accounts/{uid}/disable", data={f"u{uid}-csrf_token": staff_token(admin)})
    assert r.status_code == 400
    user = _user(app, "admin-0")
    assert (user.role, user.active) == ("admin", True)


def test_admin_disables_and_enables_an_account(app, staff_client):
    admin = staff_client("admin")
    uid = make_staff(app, "erin", "moderator")
    admin.post(f"/staff/accounts/{uid}/disable", data={f"u{uid}-csrf_token": staff_token(admin)})
    assert _user(app, "erin").active is False
    assert "已停用" in text_of(admin.get("/staff/accounts").data)
    admin.post(f"/staff/accounts/{uid}/enable", data={f"u{uid}-csrf_token": staff_token(admin)})
    assert _user(app, "erin").active is True
    assert login(app.test_client(), "erin").status_code == 302


def test_admin_resets_a_password(app, staff_client):
    admin = staff_client("admin")
    uid = make_staff(app, "frank", "moderator")
    token = staff_token(admin)
    r = admin.post(f"/staff/accounts/{uid}/password", data={f"u{uid}-csrf_token": token,
                                                            f"u{uid}-password": "short", f"u{uid}-confirm": "short"})
    assert r.status_code == 400 and f'id="u{uid}-password-error"' in r.get_data(as_text=True)
    r = admin.post(f"/staff/accounts/{uid}/password", data={
        f"u{uid}-csrf_token": token, f"u{uid}-password": NEW_PASSWORD, f"u{uid}-confirm": NEW_PASSWORD})
    assert r.status_code == 302
    assert login(app.test_client(), "frank", NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "frank").status_code == 401


def test_an_admin_who_changes_their_own_password_stays_logged_in(app, staff_client):
    admin = staff_client("admin")
    uid = _user(app, "admin-0").id
    fields = {f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-password": NEW_PASSWORD,
              f"u{uid}-confirm": NEW_PASSWORD}
    assert f'id="u{uid}-current"' in admin.get("/staff/accounts").get_data(as_text=True)
    # One's own password needs the current one: an open session alone cannot take the account over.
    for current in (None, "not the password"):
        r = admin.post(f"/staff/accounts/{uid}/password", data={**fields, f"u{uid}-current": current or ""})
        assert r.status_code == 401  # counted by the login limits, as a wrong password at login is
    assert login(app.test_client(), "admin-0").status_code == 302  # unchanged
    r = admin.post(f"/staff/accounts/{uid}/password", data={**fields, f"u{uid}-current": STAFF_PASSWORD})
    assert r.status_code == 302
    assert admin.get("/staff/accounts").status_code == 200


def test_account_actions_without_csrf_are_refused(app, staff_client):
    admin = staff_client("admin")
    uid = make_staff(app, "gina", "moderator")
    assert admin.post(f"/staff/accounts/{uid}/disable").status_code == 400
    assert admin.post("/staff/accounts", data={"username": "x", "role": "admin", "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD}).status_code == 400
    assert _user(app, "gina").active is True and _user(app, "x") is None


def test_unknown_account_is_404(staff_client):
    admin = staff_client("admin")
    assert admin.post("/staff/accounts/999/disable", data={"u999-csrf_token": staff_token(admin)}).status_code == 404


def test_guessing_ones_own_current_password_meets_the_login_limits(app_factory):
    """A session left open cannot be used to try current passwords one after another."""
    from conftest import make_staff

    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT="3 per hour", LOGIN_LIMIT_PER_ADDRESS="100 per hour")
    make_staff(app, "admin-x", "admin")
    admin = app.test_client()
    assert login(admin, "admin-x").status_code == 302
    uid = _user(app, "admin-x").id
    fields = {f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-password": NEW_PASSWORD, f"u{uid}-confirm": NEW_PASSWORD}
    answers = [admin.post(f"/staff/accounts/{uid}/password", data={**fields, f"u{uid}-current": f"guess {n}"}).status_code
               for n in range(4)]
    assert answers == [401, 401, 401, 429]
    right = admin.post(f"/staff/accounts/{uid}/password", data={**fields, f"u{uid}-current": STAFF_PASSWORD})
    assert right.status_code == 429  # refused until the window ends, whatever is typed
    assert login(app.test_client(), "admin-x").status_code == 302  # the password is unchanged
