"""Managing accounts needs a recent password ("sudo mode"): a session alone (a copied cookie, a PC left logged
in) must not be able to create an admin, reset someone's password, log in as them and take the owner's account
over. After PORTAL_REAUTH_SECONDS without the password, every admin action on accounts asks for it (and the
code, when the account has a second factor), then does what was asked with what was typed."""
from __future__ import annotations

import re
import time
from html import unescape

import pyotp
import pytest

from conftest import STAFF_PASSWORD, csrf_from, login, make_staff, text_of
from feedback_support import staff_token
from staff_support import Clock, audit_entries, client_at, logged_in, user_id
from test_staff_route_walker import _path

NEW_PASSWORD = "another long passphrase"
STALE = {"minutes": 11}  # past the 10 minutes of PORTAL_REAUTH_SECONDS' default, within the 30 idle ones


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(app_factory, clock):
    return app_factory(STAFF_CLOCK=clock)


def _admin(app, name="owner"):
    make_staff(app, name, "admin")
    c = app.test_client()
    assert login(c, name).status_code == 302
    return c


def _hidden_fields(page: str) -> dict:
    """What the confirmation page carries on to the action: its hidden inputs, by name."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            fields[name] = unescape(re.search(r'value="([^"]*)"', tag).group(1))
    return fields


def _asks_password(response) -> bool:
    return response.status_code == 200 and 'name="reauth-password"' in response.get_data(as_text=True)


def _create(client, username="mallory", role="admin"):
    return client.post("/staff/accounts", data={
        "csrf_token": staff_token(client), "username": username, "role": role,
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def _account(app, username):
    from portal.extensions import db
    from portal.services.auth import find

    with app.app_context():
        user = find(username)
        if user is not None:
            db.session.expunge(user)
        return user


def test_a_copied_admin_session_cannot_take_the_owner_over(app, clock):
    owner = _admin(app)
    make_staff(app, "deputy", "admin")
    clock.advance(**STALE)
    thief = app.test_client()
    thief.set_cookie("session", owner.get_cookie("session").value)
    assert logged_in(thief)

    assert _asks_password(_create(thief))  # a new admin of the thief's own
    assert _account(app, "mallory") is None
    deputy = user_id(app, "deputy")
    r = thief.post(f"/staff/accounts/{deputy}/password", data={
        f"u{deputy}-csrf_token": staff_token(thief), f"u{deputy}-password": NEW_PASSWORD,
        f"u{deputy}-confirm": NEW_PASSWORD})
    assert _asks_password(r)  # another admin's password
    assert login(app.test_client(), "deputy", NEW_PASSWORD).status_code == 401

    # Guessing at the question is a failed login, audited and counted like one.
    guessed = thief.post(f"/staff/accounts/{deputy}/password", data={**_hidden_fields(r.get_data(as_text=True)),
                                                  "reauth-password": "not the password"})
    assert guessed.status_code == 401 and "密码不对" in text_of(guessed.data)
    assert login(app.test_client(), "deputy", NEW_PASSWORD).status_code == 401
    assert [e.after.get("step") for e in audit_entries(app, "staff.login_failed")].count("confirm") == 1
    assert logged_in(owner)


def test_the_password_carries_on_with_what_was_typed_and_holds_for_a_while(app, clock):
    owner = _admin(app)
    assert _create(owner, "fresh").status_code == 302  # just logged in: the login was the proof
    clock.advance(**STALE)
    asked = _create(owner, "carol", role="editor")
    page = asked.get_data(as_text=True)
    assert _asks_password(asked) and "请再输入一次您的密码" in text_of(page)
    # What was typed stays on the server: the new account's password is nowhere in the page, nor the rest.
    assert NEW_PASSWORD not in page and NEW_PASSWORD not in unescape(page)
    carried = _hidden_fields(page)
    assert not {"username", "role", "password", "confirm"} & set(carried)
    r = owner.post("/staff/accounts", data={**carried, "reauth-password": STAFF_PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].startswith("/staff/accounts#u")
    assert _account(app, "carol").role == "editor"
    assert login(app.test_client(), "carol", NEW_PASSWORD).status_code == 302  # the password typed before

    clock.advance(minutes=9)  # proven 9 minutes ago: not asked again
    carol = user_id(app, "carol")
    r = owner.post(f"/staff/accounts/{carol}/disable", data={f"u{carol}-csrf_token": staff_token(owner)})
    assert r.status_code == 302 and not _account(app, "carol").active
    clock.advance(minutes=2)
    r = owner.post(f"/staff/accounts/{carol}/enable", data={f"u{carol}-csrf_token": staff_token(owner)})
    assert _asks_password(r) and not _account(app, "carol").active


def test_the_time_follows_the_setting(app_factory):
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock, REAUTH_SECONDS=60)
    owner = _admin(app)
    clock.advance(seconds=61)
    assert _asks_password(_create(owner))


def test_with_a_second_factor_the_code_is_asked_too(app, clock):
    owner = _admin(app)
    page = owner.get("/staff/2fa").get_data(as_text=True)
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    assert owner.post("/staff/2fa", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now(),
                                          "proof": STAFF_PASSWORD}).status_code == 200
    clock.advance(**STALE)
    asked = _create(owner)
    assert _asks_password(asked) and 'name="reauth-code"' in asked.get_data(as_text=True)
    carried = _hidden_fields(asked.get_data(as_text=True))
    alone = owner.post("/staff/accounts", data={**carried, "reauth-password": STAFF_PASSWORD, "reauth-code": "000000"})
    assert alone.status_code == 401 and _account(app, "mallory") is None
    r = owner.post("/staff/accounts", data={**carried, "reauth-password": STAFF_PASSWORD,
                                            "reauth-code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert r.status_code == 302 and _account(app, "mallory").role == "admin"


def test_wrong_passwords_count_against_the_login_limits(app_factory):
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock, LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    make_staff(app, "owner", "admin")
    owner = client_at(app, "198.51.100.7")
    login(owner, "owner")
    clock.advance(**STALE)
    carried = _hidden_fields(_create(owner).get_data(as_text=True))
    # Counted for the account asked, whatever name the form it carries was filled in with.
    codes = [owner.post("/staff/accounts", data={**carried, "username": f"name{n}",
                                                 "reauth-password": f"guess {n}"}).status_code for n in range(3)]
    assert codes == [401, 401, 429]
    assert owner.post("/staff/accounts", data={**carried, "reauth-password": STAFF_PASSWORD}).status_code == 429
    assert _account(app, "mallory") is None


def _admin_only_posts(app, editor):
    """Every staff POST rule an editor is refused (403): what only admins may do."""
    token = staff_token(editor)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or "POST" not in rule.methods or rule.endpoint in (
                "staff.logout", "staff.login", "staff.login_code"):
            continue
        path = _path(rule)
        if editor.post(path, data={"csrf_token": token}).status_code == 403:
            yield rule, path


def test_every_admin_post_asks_for_a_recent_password(app, clock):
    """Walks the URL map, so an account action added later without the check fails here."""
    from portal.extensions import db
    from portal.models import AuditLog

    editor = app.test_client()
    make_staff(app, "ed", "editor")
    login(editor, "ed")
    owner = _admin(app)
    clock.advance(**STALE)
    with app.app_context():
        before = db.session.query(AuditLog).count()
    token = staff_token(owner)
    walked = []
    for rule, path in _admin_only_posts(app, editor):
        r = owner.post(path, data={"csrf_token": token})
        assert _asks_password(r), f"POST {path} ({rule.endpoint}) answered {r.status_code} without asking"
        walked.append(rule.endpoint)
    assert {"staff.create_account", "staff.account_password", "staff.account_role", "staff.account_disable",
            "staff.account_enable"} <= set(walked)
    with app.app_context():
        assert db.session.query(AuditLog).count() == before  # nothing done, nothing failed


def test_the_question_is_valid_html(app, clock, tmp_path):
    from test_html_validity import _need_vnu, vnu_errors

    java = _need_vnu()
    owner = _admin(app)
    page = owner.get("/staff/2fa").get_data(as_text=True)
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    owner.post("/staff/2fa", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now(),
                                   "proof": STAFF_PASSWORD})
    clock.advance(**STALE)
    files = []
    for lang in ("en", "zh"):
        owner.set_cookie("lang", lang)
        asked = _create(owner)
        wrong = owner.post("/staff/accounts", data={**_hidden_fields(asked.get_data(as_text=True)),
                                                    "reauth-password": "not it", "reauth-code": ""})
        assert (asked.status_code, wrong.status_code) == (200, 400)
        for name, response in (("asked", asked), ("wrong", wrong)):
            files.append(tmp_path / f"recent-password-{name}-{lang}.html")
            files[-1].write_bytes(response.data)
    assert vnu_errors(java, files) == []


def test_the_waiting_form_is_sealed_on_the_server_and_goes_on_once(app, clock):
    from portal.extensions import db
    from portal.models import StaffDraft

    owner = _admin(app)
    clock.advance(**STALE)
    carried = _hidden_fields(_create(owner, "dave", role="editor").get_data(as_text=True))
    with app.app_context():
        stored = str([row.fields for row in db.session.query(StaffDraft)])
    assert "dave" not in stored and NEW_PASSWORD not in stored  # the database alone cannot read it
    # Another admin holding the page (or its handle) gets nothing from it.
    other = _admin(app, "deputy")
    clock.advance(**STALE)
    r = other.post("/staff/accounts", data={**carried, "csrf_token": staff_token(other),
                                            "reauth-password": STAFF_PASSWORD}, follow_redirects=True)
    assert "没有保留" in text_of(r.data) and _account(app, "dave") is None
    assert owner.post("/staff/accounts", data={**carried, "reauth-password": STAFF_PASSWORD}).status_code == 302
    assert _account(app, "dave").role == "editor"
    with app.app_context():
        assert db.session.query(StaffDraft).count() == 0  # taken, so deleted


def test_an_account_keeps_its_newest_waiting_forms_only(app, clock):
    from portal.extensions import db
    from portal.models import StaffDraft
    from portal.services import drafts

    owner = _admin(app)
    clock.advance(**STALE)
    handles = [_hidden_fields(_create(owner, f"name{n}").get_data(as_text=True))
               for n in range(drafts.MAX_DRAFTS + 3)]
    with app.app_context():
        assert db.session.query(StaffDraft).count() == drafts.MAX_DRAFTS
    r = owner.post("/staff/accounts", data={**handles[-1], "reauth-password": STAFF_PASSWORD})
    assert r.status_code == 302 and _account(app, f"name{drafts.MAX_DRAFTS + 2}") is not None


def test_the_same_confirmation_sent_twice_at_once_acts_once(app, clock, monkeypatch):
    # A double click on "Confirm and continue": both requests found the waiting form before either deleted it,
    # and the ORM's delete of an already deleted row only warns, so the action ran twice (PostgreSQL and SQLite).
    import threading

    from portal.services import pending_forms

    owner = _admin(app)
    clock.advance(**STALE)
    carried = _hidden_fields(_create(owner, "erin", role="editor").get_data(as_text=True))
    arrived, count = threading.Condition(), [0]

    def reached():
        with arrived:
            count[0] += 1
            arrived.notify_all()

    real_fernet = pending_forms._fernet

    class HeldFernet:  # each taker waits at the unsealing until the other has reached it or been answered
        def __init__(self, handle):
            self.real = real_fernet(handle)

        def decrypt(self, token):
            reached()
            with arrived:  # the timeout only keeps a broken run from hanging; nothing is timed
                arrived.wait_for(lambda: count[0] >= 2, timeout=60)
            return self.real.decrypt(token)

    monkeypatch.setattr(pending_forms, "_fernet", HeldFernet)
    answers = [None, None]

    def confirm(n):
        client = app.test_client()
        client.set_cookie("session", owner.get_cookie("session").value)
        answers[n] = client.post("/staff/accounts", data={**carried, "reauth-password": STAFF_PASSWORD})
        if answers[n].headers.get("Location") == "/staff/accounts":
            reached()

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    places = sorted(answer.headers.get("Location", str(answer.status_code)) for answer in answers)
    assert places[0] == "/staff/accounts" and places[1].startswith("/staff/accounts#u"), places
    assert _account(app, "erin").role == "editor"


def _waiting_forms(app) -> int:
    from portal.extensions import db
    from portal.models import StaffDraft

    with app.app_context():
        return db.session.query(StaffDraft).count()


def test_a_form_too_large_to_keep_is_refused_not_kept(app, clock):
    # Every waiting form was kept whole, 20 per account: a 40 KB field (or, with a request limit raised, one of
    # 50 MB) sat sealed in the table for an hour. Above PORTAL_PENDING_FORM_MAX_BYTES it is refused instead.
    owner = _admin(app)
    clock.advance(**STALE)
    r = _create(owner, "x" * 40_000)  # under the 64 KB request limit, over the 32 KB kept at most
    assert r.status_code == 413 and 'name="reauth-password"' not in r.get_data(as_text=True)
    page = text_of(r.data)
    assert "表单太大" in page and "超过 32 kB" in page and "没有做任何更改" in page, page
    assert _waiting_forms(app) == 0 and _account(app, "x" * 40_000) is None
    owner.set_cookie("lang", "en")
    assert "larger than 32 kB" in text_of(_create(owner, "y" * 40_000).data)

    app.config["PENDING_FORM_MAX_BYTES"] = 100  # the setting is the limit, whatever it is set to
    assert _create(owner, "carol").status_code == 413 and _waiting_forms(app) == 0
    app.config["PENDING_FORM_MAX_BYTES"] = 64 * 1024
    assert _asks_password(_create(owner, "x" * 40_000)) and _waiting_forms(app) == 1
