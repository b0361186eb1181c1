"""A JSON body is not a form. Flask-WTF reads one in place of the form fields when none were posted, so
numbers, lists and objects reached fields that expect text (a 500), a body that is not an object could not be
read at all (a 500), and a JSON login was read by a form while the login limits read the (empty) form fields.
Every form the pages show, posted as JSON instead, is now answered as the same form sent empty: never a 5xx,
nothing saved, and no one logged in."""
from __future__ import annotations

import json

import pytest

from conftest import STAFF_PASSWORD, csrf_from, make_staff
from route_walk import db_snapshot, page_paths, seed
from test_security_injection import Visitor, _forms

NOT_OBJECTS = ([1, 2], [["username", "x"]], "text", 5, None)


@pytest.fixture
def walked(app_factory, monkeypatch):
    app = app_factory(FEEDBACK_RATE_LIMIT=1_000_000, TRACKING_RATE_LIMIT="1000000 per minute")
    monkeypatch.setattr("portal.search.upkeep.update_items", lambda codes: None)
    return app, seed(app)


def _bodies(form) -> list:
    sent = form.data()
    odd = [{name: other for name in sent} for other in (5, True, ["x", "y"], {"a": "b"})]
    return [sent, *odd, *NOT_OBJECTS]


def _post_as_json(visitor: Visitor, forms: dict) -> int:
    sent = 0
    for _key, (_source, form) in forms.items():
        if form.method != "post" or form.action == "/staff/logout":
            continue
        fields = form.data()
        token = next((value for name, value in fields.items() if name.endswith("csrf_token")), "")
        for body in _bodies(form):
            response = visitor.client.post(form.action, data=json.dumps(body), content_type="application/json",
                                           headers={"X-CSRFToken": token} if token else {})
            assert response.status_code < 500, f"POST {form.action} {json.dumps(body)[:200]}: {response.status_code}"
            assert not visitor.logged_out(response), f"POST {form.action} {json.dumps(body)[:200]}"
            sent += 1
    return sent


def _typed(forms: dict) -> dict:
    """The forms with something to fill in; a form that is only a button (withdraw, "this matters to me")
    acts on any post to its address, as meant."""
    return {k: v for k, v in forms.items()
            if any(f.kind not in ("hidden", "submit", "button") for f in v[1].fields)}


def test_no_public_form_takes_a_json_body(walked):
    app, seeded = walked
    visitor = Visitor(app, seeded, None)
    forms = _forms(visitor, page_paths(app, seeded.values))
    typed = _typed(forms)
    before = db_snapshot(app)
    assert _post_as_json(visitor, typed) >= 20
    assert db_snapshot(app) == before
    _post_as_json(visitor, {k: v for k, v in forms.items() if k not in typed})


def test_no_staff_form_takes_a_json_body(walked):
    app, seeded = walked
    admin = Visitor(app, seeded, "admin")
    forms = {k: v for k, v in _forms(admin, page_paths(app, seeded.values, prefix="/staff")).items()
             if v[1].action.startswith("/staff") and v[1].action != "/staff/login"}
    before = db_snapshot(app)
    assert _post_as_json(admin, forms) >= 50
    assert db_snapshot(app) == before


def test_a_json_login_logs_no_one_in(app):
    make_staff(app, "alice", "admin")
    client = app.test_client()
    token = csrf_from(client.get("/staff/login").data)
    for body in ({"username": "alice", "password": STAFF_PASSWORD}, {"username": 5, "password": 5}, *NOT_OBJECTS):
        response = client.post("/staff/login", data=json.dumps(body), content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert response.status_code == 200, (body, response.status_code)  # the form again, as if sent empty
    assert client.get("/staff/").status_code == 302
