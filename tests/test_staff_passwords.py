"""Weak and common passwords, and passwords containing the username, are refused in the command line
and on the accounts page, with advice on choosing a better one."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import STAFF_PASSWORD, text_of
from feedback_support import staff_token

WEAK = ["password1234", "zhangjiang2023", "qwertyuiop123", "iloveyou1234", "1234567890"]


@pytest.mark.parametrize("password", WEAK)
def test_the_cli_refuses_weak_passwords_and_says_what_to_do(app, password):
    r = app.test_cli_runner().invoke(args=["staff", "create", "bob", "--role", "editor"], input=password + "\n")
    assert r.exit_code != 0 and "too easy to guess" in r.output and "unrelated words" in r.output


def test_reset_password_refuses_one_containing_the_username(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["staff", "create", "carol", "--role", "editor"],
                         input="correct horse battery\n").exit_code == 0
    r = runner.invoke(args=["staff", "reset-password", "carol"], input="Carol-Sunflower-Bicycle-77\n")
    assert r.exit_code != 0 and "must not contain the username" in r.output


@pytest.mark.parametrize("lang, advice", [("zh", "太容易被猜到"), ("en", "too easy to guess")])
def test_the_accounts_page_refuses_weak_passwords_with_advice(app, staff_client, lang, advice):
    admin = staff_client("admin")
    admin.set_cookie("lang", lang)
    r = admin.post("/staff/accounts", data={"csrf_token": staff_token(admin), "username": "dora", "role": "editor",
                                            "password": "password1234", "confirm": "password1234"})
    assert r.status_code == 400 and advice in text_of(r.data)
    uid = admin.get("/staff/accounts") and _id(app, "admin-0")
    r = admin.post(f"/staff/accounts/{uid}/password", data={
        f"u{uid}-csrf_token": staff_token(admin), f"u{uid}-current": STAFF_PASSWORD,
        f"u{uid}-password": "admin-0 likes tea", f"u{uid}-confirm": "admin-0 likes tea"})
    assert r.status_code == 400 and ("密码不能包含用户名" if lang == "zh" else "must not contain the username") in text_of(r.data)


def _id(app, username):
    from portal.services.auth import find

    with app.app_context():
        return find(username).id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.from_regex(r"[A-Za-z0-9._-]{3,20}", fullmatch=True), before=st.text(max_size=12),
       after=st.text(max_size=12), upper=st.booleans())
def test_a_password_containing_the_username_is_always_refused(app, name, before, after, upper):
    from portal.services.passwords import weakness

    password = before + (name.upper() if upper else name) + after + " violet harbour drum"
    with app.app_context():
        assert weakness(password, name) is not None
