"""XSS and SQL-injection payloads (tests/payloads.py) in every form field, query parameter, path
argument and API parameter: never a 5xx, never active markup, never a database error on the page,
never a redirect off the site. Forms and parameters are found by rendering the pages."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from payloads import ALL, CORE, MARK, active_markup, injection_problems
from route_walk import (Seeded, endpoint_of, login, login_as, page_paths, parse_page, query_params, rules, seed,
                        url_of)

TEXT_KINDS = ("text", "textarea", "search", "password", "email", "tel", "url")
# Besides names pages read: names url_for reads itself and names of pages' paths (portal/page_address.py).
GENERIC_PARAMS = ("page", "next", "q", "lang", "sort", "code", "plan", "_scheme", "_external", "_anchor")


@pytest.fixture
def fuzz(app_factory, monkeypatch):
    # One loopback client sends hundreds of comments here; the per-IP limit has its own test.
    app = app_factory(FEEDBACK_RATE_LIMIT=1_000_000, TRACKING_RATE_LIMIT="1000000 per minute")
    # Hundreds of accepted staff updates would each re-index; search upkeep has its own tests.
    monkeypatch.setattr("portal.search.upkeep.update_items", lambda codes: None)
    return app, seed(app)


def _check(response, where: str, payload: str | None) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        assert parts.netloc in ("", "localhost") and not location.startswith(("//", "/\\")), \
            f"{where}: redirect off the site to {location!r}"
    ctype = response.headers.get("Content-Type", "")
    if ctype.startswith("application/vnd.openxmlformats"):
        return  # a spreadsheet download (binary, sent as an attachment): nothing a browser runs as markup
    body = response.get_data(as_text=True)
    if "html" in ctype:
        problems = injection_problems(body, payload)
        assert not problems, f"{where}: {problems}"
    elif "json" in ctype:
        response.get_json()  # well-formed JSON, whatever was sent
        assert not re.search(r"Traceback|sqlite3\.|psycopg", body), f"{where}: error details in JSON"
    else:
        assert payload is None or "<" not in payload or payload not in body or "xml" in ctype, \
            f"{where}: payload echoed in {ctype}"


class Visitor:
    """A test client that stays logged in as `role` even when a fuzzed form logs it out or changes it."""

    def __init__(self, app, seeded: Seeded, role: str | None):
        self.app, self.seeded, self.role = app, seeded, role
        self.relogins = 0
        self.client = login_as(app, seeded, role)

    def relogin(self) -> None:
        from conftest import make_staff

        self.relogins += 1
        username = f"fuzz-{self.role}-{self.relogins}"
        make_staff(self.app, username, self.role)
        self.seeded.staff[self.role] = username
        self.client = self.app.test_client()
        assert login(self.client, username).status_code == 302

    def send(self, form, data: dict[str, str]):
        if form.method == "get":
            return self.client.get(form.action, query_string=data)
        return self.client.post(form.action, data=data)

    def logged_out(self, response) -> bool:
        return bool(self.role) and ((response.headers.get("Location") or "").startswith("/staff/login") or (
            response.status_code == 401 and 'action="/staff/login' in response.get_data(as_text=True)))


def _forms(visitor: Visitor, paths: list[str]) -> dict:
    found = {}
    for path in paths:
        response = visitor.client.get(path)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        forms, _links = parse_page(response.get_data(as_text=True), path)
        for form in forms:
            key = (re.sub(r"^/(zh|en)/", "/L/", form.signature[0]),) + form.signature[1:]
            found.setdefault(key, (path, form))
    return found


def _fuzz_forms(visitor: Visitor, forms: dict, text_payloads: list[str] = ALL) -> int:
    sent = 0
    for (_sig, (source, form)) in forms.items():
        hashes_passwords = any(f.kind == "password" for f in form.fields)
        for fld in form.fields:
            if fld.name.endswith("csrf_token") or fld.kind in ("submit", "button", "reset", "image", "file"):
                continue
            typed = fld.kind in TEXT_KINDS and not hashes_passwords
            for payload in (text_payloads if typed else CORE):
                response = visitor.send(form, form.data({fld.name: payload}))
                where = f"{form.method.upper()} {form.action} [{fld.name}={payload!r}]"
                sent += 1
                _check(response, where, payload)
                if visitor.logged_out(response):
                    visitor.relogin()
                    # The CSRF token belongs to the session: take the form again from the new one.
                    page = visitor.client.get(source).get_data(as_text=True)
                    form = next((f for f in parse_page(page, source)[0] if f.signature == form.signature), form)
                    continue
                location = response.headers.get("Location")
                if location and response.status_code in (301, 302, 303) and typed:
                    _check(visitor.client.get(location), f"{where} -> {location}", payload)
    return sent


def _approve_everything(app) -> int:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Feedback, StaffUser
    from portal.services import feedback as service

    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.role == "admin"))
        pending = list(db.session.scalars(select(Feedback).where(Feedback.state != "published")))
        for fb in pending:
            fb.state = "pending"
            service.approve(fb, admin, reply=fb.body)
        return len(pending)


def test_public_forms_escape_every_payload(fuzz):
    app, seeded = fuzz
    visitor = Visitor(app, seeded, None)
    forms = _forms(visitor, page_paths(app, seeded.values))
    actions = {f.action for _p, f in forms.values()}
    # The forms a resident meets, found on the pages rather than listed here.
    assert any(a.endswith("/feedback") for a in actions) and any(a.endswith("/search") for a in actions)
    assert any(a.endswith("/flag") for a in actions) and "/staff/login" in actions
    sent = _fuzz_forms(visitor, forms)
    assert sent > 300

    # Stored payloads, now published with a staff reply that repeats them, on every page.
    assert _approve_everything(app) > 50
    admin = login_as(app, seeded, "admin")
    for path in page_paths(app, seeded.values):
        client = admin if path.startswith("/staff") else visitor.client
        response = client.get(path)
        _check(response, f"GET {path} after publishing the payloads", None)
    page = visitor.client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert MARK in page  # the stored payloads are on the page, as text


def test_staff_forms_escape_every_payload(fuzz):
    app, seeded = fuzz
    anonymous = Visitor(app, seeded, None)
    for payload in ALL[:8]:  # residents' comments carrying payloads, waiting in the moderation queue
        item = anonymous.client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)
        form = next(f for f in parse_page(item, "/zh/plans/2023-city-management/items/2.3")[0] if f.action.endswith("/feedback"))
        assert anonymous.send(form, form.data({"body": f"{payload} 加装电梯"})).status_code == 302
    admin = Visitor(app, seeded, "admin")
    staff_pages = page_paths(app, seeded.values, prefix="/staff")
    for path in staff_pages:
        response = admin.client.get(path)
        _check(response, f"GET {path} with payloads in the queue", None)
    forms = {k: v for k, v in _forms(admin, staff_pages).items()
             if v[1].action.startswith("/staff") and v[1].action != "/staff/login"}  # login: the public test
    assert len(forms) >= 3, f"staff forms found: {sorted(forms)}"
    assert _fuzz_forms(admin, forms, CORE) > 50
    for path in staff_pages:
        _check(admin.client.get(path), f"GET {path} after fuzzing", None)


def _param_map(app, seeded: Seeded) -> dict[str, set[str]]:
    """endpoint -> query parameter names seen in links and GET forms on the pages."""
    client = app.test_client()
    by_endpoint: dict[str, set[str]] = {}
    for path in page_paths(app, seeded.values):
        response = client.get(path)
        if "html" not in response.content_type:
            continue
        forms, links = parse_page(response.get_data(as_text=True), path)
        found = query_params(links)
        for form in forms:
            if form.method == "get":
                found.setdefault(form.action, set()).update(f.name for f in form.fields)
        for target, names in found.items():
            endpoint = endpoint_of(app, target)
            if endpoint:
                by_endpoint.setdefault(endpoint, set()).update(names)
    return by_endpoint


def test_every_query_parameter_escapes_payloads(fuzz):
    app, seeded = fuzz
    params = _param_map(app, seeded)
    # Discovered from the pages: search filters, the care-mode switch with its `next`, page numbers.
    assert {"q", "area", "status"} <= params.get("search.results", set())
    assert "next" in params.get("public.care_mode", set())
    client = app.test_client()
    for rule in rules(app, "GET"):
        if rule.endpoint in ("static", "assets"):
            continue
        path = url_of(rule, seeded.values)
        named = sorted(params.get(rule.endpoint, set()))
        for payload in ALL:
            for name in named:
                _check(client.get(path, query_string={name: payload}), f"GET {path}?{name}={payload!r}", payload)
        for payload in CORE:
            everything = {name: payload for name in GENERIC_PARAMS}
            _check(client.get(path, query_string=everything), f"GET {path}?<all generic>={payload!r}", payload)


def test_every_path_argument_and_api_parameter_is_safe(fuzz):
    app, seeded = fuzz
    client = app.test_client()
    for rule in rules(app, "GET"):
        text_args = [a for a in rule.arguments if type(rule._converters[a]).__name__ in ("UnicodeConverter", "PathConverter")]  # noqa: SLF001
        for arg in text_args:
            for payload in ALL:
                if arg != "filename" and "/" in payload:
                    continue  # cannot match a one-segment argument; the router answers 404 before any code runs
                path = url_of(rule, seeded.values, {arg: payload})
                response = client.get(path)
                _check(response, f"GET {path} [{arg}]", payload)

    spec = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for api_path, operations in spec["paths"].items():
        for _method, op in operations.items():
            for param in op.get("parameters", []):
                for payload in ALL:
                    if param["in"] == "path":
                        if "/" in payload:
                            continue
                        url, query = api_path.replace("{" + param["name"] + "}", payload.replace("?", "%3F").replace("#", "%23")), {}
                    else:
                        url = re.sub(r"\{[^}]+\}", str(seeded.values["code"]), api_path)
                        query = {param["name"]: payload, **({"q": "电梯"} if param["name"] != "q" else {})}
                    response = client.get(url, query_string=query)
                    checked += 1
                    assert response.status_code < 500, f"{url} {query}: {response.status_code}"
                    if url.startswith("/api/"):
                        assert response.content_type.startswith("application/json"), f"{url}: {response.content_type}"
                    _check(response, f"GET {url} {query}", payload)
    assert checked > 50  # the spec documents the parameters this walks


def test_sql_payloads_do_not_change_what_search_finds(client):
    """A query is matched as words, never as SQL or query syntax: an injection finds no more than its words."""
    baseline = client.get("/api/v1/search", query_string={"q": "加梯"}).get_json()["total"]
    for payload in ("加梯' OR 1=1 --", "加梯 OR 1=1", "加梯' UNION SELECT * FROM feedback --"):
        found = client.get("/api/v1/search", query_string={"q": payload}).get_json()
        assert found["total"] <= 30 and {r["code"] for r in found["results"]} >= {"2.3"}
    everything = client.get("/api/v1/search", query_string={"q": "' OR '1'='1"})
    assert everything.status_code == 200  # the quote and the words are searched as text
    assert everything.get_json()["total"] <= baseline + 30
    # Lookups by tracking code never match by injection.
    assert client.get("/zh/feedback/", query_string={"code": "ZJ-' OR ''='"}).status_code == 404


def test_scanner_catches_what_it_should():
    """The checker itself: it must flag each kind of injection it is used to rule out."""
    assert active_markup('<p>ok</p><script src="/static/js/app.js"></script>') == []
    assert active_markup('<script>alert(1)</script>')
    assert active_markup('<img src=x onerror="alert(1)">')
    assert active_markup('<a href=" javascript:alert(1)">x</a>')
    assert active_markup('<svg onload=alert(1)>')
    assert active_markup('<input value="" onmouseover="alert(1)">')
    assert injection_problems("<p>&lt;script&gt;</p>", "<script>") == []
    assert injection_problems("<p>sqlite3.OperationalError: near</p>")
