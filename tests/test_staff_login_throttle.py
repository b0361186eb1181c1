"""Failed logins slow the attacker, not the staff member: limits per address and per address+name with
growing waits, the real user never locked out from another address, no hint of which names exist,
and every failed or throttled attempt in the audit log."""
from __future__ import annotations

import re
import time

from conftest import make_staff
from staff_support import audit_entries, client_at, logged_in, post_login

ATTACKER, OFFICE = "203.0.113.9", "198.51.100.7"


def test_a_flood_from_one_address_never_locks_out_the_real_user_elsewhere(app):
    make_staff(app, "alice", "moderator")
    attacker, real = client_at(app, ATTACKER), client_at(app, OFFICE)
    codes = [post_login(attacker, "alice", f"guess number {n}").status_code for n in range(7)]
    assert codes == [401] * 5 + [429] * 2
    assert post_login(attacker, "alice").status_code == 429  # the right password is no way round it
    assert post_login(real, "alice").status_code == 302 and logged_in(real)
    assert post_login(attacker, "alice", "guess number 8").status_code == 429  # the flood goes on
    assert logged_in(real)


def test_an_address_trying_many_names_is_throttled_as_a_whole(app_factory):
    app = app_factory(LOGIN_LIMIT_PER_ADDRESS="6 per minute")
    attacker = client_at(app, ATTACKER)
    codes = [post_login(attacker, f"name{n}", "wrong password!").status_code for n in range(8)]
    assert codes == [401] * 6 + [429] * 2
    make_staff(app, "alice", "moderator")
    assert post_login(client_at(app, OFFICE), "alice").status_code == 302


def test_the_wait_grows_with_the_failures(app_factory):
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT="2 per 1 second;4 per hour")
    make_staff(app, "alice", "moderator")
    c = client_at(app, ATTACKER)
    assert [post_login(c, "alice", "wrong password!").status_code for _ in range(3)] == [401, 401, 429]
    time.sleep(1.1)  # the short wait is over (the limiter judges by its own wall clock)
    assert [post_login(c, "alice", "wrong password!").status_code for _ in range(3)] == [401, 401, 429]
    time.sleep(1.1)  # after more failures the same wait is no longer enough: the hour's limit holds
    assert post_login(c, "alice").status_code == 429
    assert post_login(client_at(app, OFFICE), "alice").status_code == 302


def _page(response) -> str:
    return re.sub(r'value="[^"]+"', 'value=""', response.get_data(as_text=True))  # the form's own CSRF token


def test_unknown_disabled_and_known_names_look_the_same(app, monkeypatch):
    from portal.services import auth

    make_staff(app, "alice", "moderator")
    make_staff(app, "bob", "moderator")
    app.test_cli_runner().invoke(args=["staff", "disable", "bob"])
    hashed = []
    real_check = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda h, p: hashed.append(h) or real_check(h, p))
    answers = {}
    for n, name in enumerate(("alice", "nobody", "bob")):
        c = client_at(app, f"192.0.2.{n + 10}")
        answers[name] = [post_login(c, name, "wrong password!") for _ in range(6)]
    # The same work (one scrypt check per attempt, the dummy hash for unknown and disabled names) ...
    assert len(hashed) == 15 and len({h.split("$")[0] for h in hashed}) == 1
    # ... and the same answers, refused and throttled alike.
    for n in range(6):
        statuses = {name: a[n].status_code for name, a in answers.items()}
        assert set(statuses.values()) == {401 if n < 5 else 429}, statuses
        assert _page(answers["alice"][n]) == _page(answers["nobody"][n]) == _page(answers["bob"][n])


def test_every_failed_and_throttled_login_is_in_the_audit_log(app):
    make_staff(app, "alice", "moderator")
    c = client_at(app, ATTACKER)
    for _ in range(7):
        post_login(c, "alice", "wrong password!")
    post_login(c, "Nobody", "wrong password!")
    failed = audit_entries(app, "staff.login_failed")
    throttled = audit_entries(app, "staff.login_throttled")
    assert [e.target_id for e in failed] == ["alice"] * 5 + ["Nobody"]
    assert [e.target_id for e in throttled] == ["alice", "alice"]
    assert len({e.after["ip"] for e in failed + throttled}) == 1 and ATTACKER not in str(failed[0].after)
    assert throttled[0].after["step"] == "password"


def test_guesses_against_one_name_are_capped_across_addresses_and_ipv6_counts_per_64(app_factory):
    # An hour's window: nothing here depends on how fast the machine runs (the window's end is the limits
    # library's fixed-window rule, as for the other limits).
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE="8 per 1 hour")
    make_staff(app, "alice", "moderator")
    # Each address of one IPv6 /64 is the same address to the limits, not a fresh bucket.
    codes = [post_login(client_at(app, f"2001:db8:5:7::{n:x}"), "alice", "wrong password!").status_code
             for n in range(1, 8)]
    assert codes == [401] * 5 + [429] * 2
    assert post_login(client_at(app, "2001:db8:5:8::1"), "alice", "wrong password!").status_code == 401
    # Spread over other addresses, the guesses still stop at the name's own limit (8 here) ...
    codes = [post_login(client_at(app, f"192.0.2.{n}"), "alice", "wrong password!").status_code
             for n in range(20, 24)]
    assert codes == [401, 401, 429, 429]
    # ... which the real person meets too, with the same page (only until the window ends).
    real = client_at(app, OFFICE)
    refused = post_login(real, "alice")
    assert refused.status_code == 429 and _page(refused) == _page(post_login(client_at(app, "192.0.2.30"), "alice"))
    assert audit_entries(app, "staff.login_throttled")[-1].after["limit"] == "anywhere"


def _in_flight_together(app, monkeypatch, attempts: int, password: str) -> list[int]:
    """Sends `attempts` logins from one address at once, each held at the password check until every other
    one has reached it too or been answered: the order a busy server can give them, made certain."""
    import threading

    from portal.services import auth

    arrived = threading.Condition()
    count = [0]

    def reached():
        with arrived:
            count[0] += 1
            arrived.notify_all()

    real_check = auth.check_password_hash

    def held_check(hashed, typed):
        reached()
        with arrived:  # the timeout only keeps a broken run from hanging; nothing is timed
            arrived.wait_for(lambda: count[0] >= attempts, timeout=60)
        return real_check(hashed, typed)

    monkeypatch.setattr(auth, "check_password_hash", held_check)
    codes = [0] * attempts

    def attempt(n):
        codes[n] = post_login(client_at(app, ATTACKER), "alice", password).status_code
        if codes[n] == 429:
            reached()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.setattr(auth, "check_password_hash", real_check)
    return sorted(codes)


def test_guesses_in_flight_together_never_pass_the_limit(app, monkeypatch):
    # The limit was tested before the password check and counted after it, so every guess sent before the
    # first one failed was checked: 8 at once gave 8 answers to 5 allowed.
    make_staff(app, "alice", "moderator")
    assert _in_flight_together(app, monkeypatch, 8, "wrong password!") == [401] * 5 + [429] * 3
    assert post_login(client_at(app, ATTACKER), "alice").status_code == 429  # the right one too, as before
    assert post_login(client_at(app, OFFICE), "alice").status_code == 302


def test_logins_that_succeed_or_are_refused_do_not_count(app_factory):
    # Each attempt is counted before the password is checked; one that was not a failure gives its count back.
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT="2 per hour")
    make_staff(app, "alice", "moderator")
    assert [post_login(client_at(app, ATTACKER), "alice").status_code for _ in range(4)] == [302] * 4
    c = client_at(app, ATTACKER)
    assert [post_login(c, "alice", "wrong password!").status_code for _ in range(4)] == [401, 401, 429, 429]


def test_a_name_with_control_characters_counts_as_the_name_the_login_checks(app_factory):
    """The form drops control characters before the name is looked up, so "alice\\x01" logs in as alice:
    counted under its own key, each variant was a fresh bucket of guesses, for the name's cap from
    anywhere too."""
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE="6 per 1 hour")
    make_staff(app, "alice", "moderator")
    attacker = client_at(app, ATTACKER)
    codes = [post_login(attacker, name, "wrong password!").status_code
             for name in ("alice", "alice", "alice", "alice", "alice", "alice\x01", "alice\x7f", "ali\x02ce")]
    assert codes == [401] * 5 + [429] * 3
    assert post_login(attacker, "alice\x03").status_code == 429  # nor the right password, under another key
    # From anywhere: the variants are the same name, capped together at the name's own limit.
    codes = [post_login(client_at(app, f"192.0.2.{n}"), name, "wrong password!").status_code
             for n, name in enumerate(("\x05alice", "alice\x06", "ALICE\x1b"), start=40)]
    assert codes == [401, 429, 429]
    throttled = audit_entries(app, "staff.login_throttled")
    assert {e.target_id for e in throttled} == {"alice", "ALICE"}  # the name as the login read it
