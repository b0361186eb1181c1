"""A staff name is one account however it is typed: letter case beyond ASCII ("MÜLLER", "Øystein"),
full-width letters ("ｚｈａｎｇ") and "ß"/"SS" are compared in one form (portal/usernames.py), at
login, on creation, in the login limits and in the password rules, on SQLite as on PostgreSQL."""
from __future__ import annotations

import functools
import importlib.util
from datetime import datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, STAFF_PASSWORD, login, make_staff, text_of
from feedback_support import staff_token
from staff_support import client_at, post_login

# (created as, typed later): each pair differs where SQL lower() on SQLite, or Python's lower(), does not fold.
SAME_NAME = [("MÜLLER", "müller"), ("Øystein", "øystein"), ("zhang", "ＺＨＡＮＧ"), ("Straße", "STRASSE")]


def _accounts(app) -> list[str]:
    from portal.extensions import db
    from portal.models import StaffUser

    with app.app_context():
        return sorted(db.session.scalars(sa.select(StaffUser.username)))


@pytest.mark.parametrize("created, typed", SAME_NAME)
def test_login_finds_the_account_however_the_name_is_typed(app, created, typed):
    make_staff(app, created, "moderator")
    client = app.test_client()
    assert login(client, typed).status_code == 302
    assert created in text_of(client.get("/staff/").data)  # shown as it was created


@pytest.mark.parametrize("created, typed", SAME_NAME)
def test_a_name_differing_only_in_case_or_width_is_taken_on_the_accounts_page(app, staff_client, created, typed):
    admin = staff_client("admin")
    make_staff(app, created, "moderator")
    r = admin.post("/staff/accounts", data={"csrf_token": staff_token(admin), "username": typed, "role": "editor",
                                            "password": "another long passphrase", "confirm": "another long passphrase"})
    assert r.status_code == 400 and f"已有名为 {typed} 的账号。" in text_of(r.data)
    assert _accounts(app) == sorted(["admin-0", created])


@pytest.mark.parametrize("created, typed", SAME_NAME)
def test_a_name_differing_only_in_case_or_width_is_taken_in_the_cli(app, created, typed):
    make_staff(app, created, "moderator")
    r = app.test_cli_runner().invoke(args=["staff", "create", typed, "--role", "editor"],
                                     input="another long passphrase\n")
    assert r.exit_code != 0 and f"There is already an account named {typed}." in r.output
    assert _accounts(app) == [created]
    r = app.test_cli_runner().invoke(args=["staff", "disable", typed])
    assert r.exit_code == 0 and f"disabled {created}" in r.output


def test_a_name_taken_between_the_check_and_the_insert_gets_the_same_message(app, monkeypatch):
    from portal.services import auth
    from portal.services.errors import NotAllowed

    make_staff(app, "MÜLLER", "moderator")
    monkeypatch.setattr(auth, "find", lambda _name: None)  # as if another request created it just now
    with app.app_context(), pytest.raises(NotAllowed, match="There is already an account named Müller."):
        auth.create_staff("Müller", "another long passphrase", "editor")
    assert _accounts(app) == ["MÜLLER"]


def test_the_login_limits_count_every_spelling_of_a_name_as_one(app_factory):
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE="4 per 1 hour")
    make_staff(app, "Straße", "moderator")
    spellings = ["Straße", "STRASSE", "ｓｔｒａｓｓｅ", "strasse", "STRAẞE", "Straße"]
    codes = [post_login(client_at(app, f"192.0.2.{n}"), name, "wrong password!").status_code
             for n, name in enumerate(spellings, start=10)]
    assert codes == [401] * 4 + [429] * 2


@pytest.mark.parametrize("created, typed", [("MÜLLER", "Müller"), ("zhang", "ＺＨＡＮＧ"), ("Straße", "STRASSE")])
def test_the_throttle_keys_of_one_name_are_the_same(app, created, typed):
    from portal.staff import throttle

    def keys(name):
        with app.test_request_context("/staff/login", method="POST", data={"username": name}):
            return throttle._account_key(), throttle._anywhere_key()  # noqa: SLF001

    assert keys(created) == keys(typed)


def test_a_password_containing_the_name_in_another_spelling_is_refused(app):
    from portal.services.passwords import HAS_USERNAME, weakness

    with app.app_context():
        assert weakness("My STRASSE violet harbour drum", "Straße") == HAS_USERNAME
        assert weakness("ｚｈａｎｇ violet harbour drum", "Zhang") == HAS_USERNAME


# --- one form, whatever the input -------------------------------------------------------------

_NAMES = st.text(st.characters(categories=["L", "N"], include_characters="._-"), min_size=1, max_size=20)
_FULL_WIDTH = {c: chr(ord(c) - 0x21 + 0xFF01) for c in map(chr, range(0x21, 0x7F))}




@settings(deadline=None)
@given(name=st.text(max_size=30))
def test_the_key_is_its_own_key(name):
    from portal.usernames import username_key

    assert username_key(username_key(name)) == username_key(name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_NAMES)
def test_every_spelling_of_a_name_finds_its_account(app, name):
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.services.auth import find
    from portal.usernames import username_key

    with app.app_context():
        user = StaffUser(username=name, password_hash="-", role="moderator", active=True)
        db.session.add(user)
        db.session.flush()
        assert find(f" {name} ") is user and find("".join(_FULL_WIDTH.get(c, c) for c in name)) is user
        for spelling in (name.upper(), name.lower(), name.swapcase()):
            if username_key(spelling) == username_key(name):  # "ı".upper() is "I", whose key is "i"
                assert find(spelling) is user
        db.session.rollback()


# --- the migration ----------------------------------------------------------------------------

@functools.cache
def _migration():
    spec = importlib.util.spec_from_file_location("username_key_migration", ROOT / "migrations/versions/0013_username_key.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@settings(deadline=None)  # the first example imports the app and the migration; the machine is shared
@given(name=st.text(max_size=30))
def test_the_migration_keys_names_as_the_app_does(name):
    from portal.usernames import username_key

    assert _migration()._key(name) == username_key(name)  # noqa: SLF001


_AT = datetime(2026, 11, 24)


def _downgrade_and_add(*names):
    from flask_migrate import downgrade

    from portal.extensions import db

    db.session.remove()
    downgrade(directory=str(ROOT / "migrations"), revision="staff_factor_proof")
    for name in names:
        db.session.execute(sa.text(
            "INSERT INTO staff_user (username, password_hash, role, active, failed_logins, created_at) "
            "VALUES (:name, '-', 'moderator', :yes, 0, :at)"), {"name": name, "yes": True, "at": _AT})
    db.session.commit()


def test_the_migration_keys_existing_accounts(app):
    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.services.auth import find

    with app.app_context():
        _downgrade_and_add("MÜLLER", "ｚｈａｎｇ")
        upgrade(directory=str(ROOT / "migrations"))
        assert find("müller").username == "MÜLLER" and find("Zhang").username == "ｚｈａｎｇ"
        with pytest.raises(sa.exc.IntegrityError):  # the database refuses a second spelling too
            db.session.execute(sa.text(
                "INSERT INTO staff_user (username, username_key, password_hash, role, active, failed_logins, "
                "created_at) VALUES ('Müller', 'müller', '-', 'editor', :yes, 0, :at)"), {"yes": True, "at": _AT})
        db.session.rollback()


def test_the_migration_stops_and_names_accounts_that_would_become_one(app, capfd):
    from flask_migrate import upgrade

    from portal.extensions import db

    with app.app_context():
        _downgrade_and_add("MÜLLER", "Müller", "zhang")
        with pytest.raises(SystemExit):  # flask db upgrade prints the message and exits with 1
            upgrade(directory=str(ROOT / "migrations"))
        said = capfd.readouterr().err
        assert "'MÜLLER' and 'Müller'" in said and "'zhang'" not in said
        db.session.remove()
        assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "staff_factor_proof"
        assert len(db.session.execute(sa.text("SELECT * FROM staff_user")).all()) == 3
