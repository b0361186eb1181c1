"""Issue 11.2: no input gives a 5xx. Hypothesis draws hostile values (Unicode digits such as ², ① and
full-width ３, control characters, invalid UTF-8 sent as raw bytes, very long values, wrong types) for
every query parameter, path argument, form field and the headers residents' browsers send
(Accept-Language, Cookie, Referer), over every public and staff route and form found in the URL map and
on the rendered pages (tests/route_walk.py): the answer is a page or a 4xx, never a 5xx."""
from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from route_walk import page_paths, rules, seed, url_of
from test_security_injection import GENERIC_PARAMS, Visitor, _forms, _param_map

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                derandomize=True)
ODD = ["²", "①", "３", "٣", "߃", "𝟠", "Ⅻ", "½", "-1", "0", "1e309", "NaN", "inf", "0x10", "9" * 40, "1.5", " 1",
       "[]", "{}", "None", "true", "\x00", "\x7f", "\u202e", "\ud800".encode("utf-8", "surrogatepass").decode("latin1"),
       "\r\nSet-Cookie: x=1", "%", "%ZZ", "%00", "../../etc/passwd", "\\", "zh\x00", "ＺＨ", "ｚｈ"]
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x3000), max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "电", "²", "%", "9"]), st.integers(1000, 9000)),
)
RAW = st.binary(min_size=1, max_size=24)  # invalid UTF-8 and all: percent-encoded as a client would send it
HEADERS = st.fixed_dictionaries({}, optional={
    "Accept-Language": st.one_of(st.sampled_from(["zh-CN;q=²", "en;q=NaN", "*;q=-1", "x" * 5000, "zh;q=0.9,,;;"]),
                                 st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)),
    "Cookie": st.one_of(st.sampled_from(["care=²", "lang=\xff", "session=garbage", "session=.eJw", "care=1; care=0",
                                         "session=" + "A" * 4000, "csrf_token=x; lang=ｚｈ"]),
                        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)),
    "Referer": st.one_of(st.sampled_from(["javascript:alert(1)", "//evil.example", "http://[::1", "\xff\xfe"]),
                         st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)),
})


@pytest.fixture
def walked(app_factory, monkeypatch):
    app = app_factory(FEEDBACK_RATE_LIMIT=1_000_000, TRACKING_RATE_LIMIT="1000000 per minute")
    monkeypatch.setattr("portal.search.upkeep.update_items", lambda codes: None)
    return app, seed(app)


def _as_latin1(value: str) -> str:
    """Header values travel as bytes: what cannot be Latin-1 goes as its UTF-8 bytes, as browsers do."""
    return value.encode("utf-8", "surrogatepass").decode("latin1")


def _query(name: str, value) -> str:
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return f"{quote_from_bytes(name.encode())}={quote_from_bytes(raw)}"


def _assert_no_5xx(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}\n{response.get_data(as_text=True)[:500]}"


def test_every_get_route_with_hostile_parameters_and_headers(walked):
    app, seeded = walked
    params = _param_map(app, seeded)
    targets = []
    for rule in rules(app, "GET"):
        if rule.endpoint in ("static", "assets"):
            continue
        names = sorted(params.get(rule.endpoint, set()) | set(GENERIC_PARAMS))
        targets.append((url_of(rule, seeded.values), names, rule.rule.startswith("/staff")))
    anonymous, admin = Visitor(app, seeded, None).client, Visitor(app, seeded, "admin").client

    @settings(max_examples=250, **SETTINGS)
    @given(st.sampled_from(targets), st.data(), HEADERS)
    def check(target, data, headers):
        path, names, staff = target
        pairs = [_query(data.draw(st.sampled_from(names)), data.draw(st.one_of(VALUES, RAW)))
                 for _ in range(data.draw(st.integers(1, 3)))]
        client = admin if staff else anonymous
        response = client.get(path, query_string="&".join(pairs),
                              headers={k: _as_latin1(v) for k, v in headers.items()})
        _assert_no_5xx(response, f"GET {path}?{'&'.join(pairs)} {headers}")

    check()


def test_every_path_argument(walked):
    app, seeded = walked
    client = app.test_client()
    templates = [r for r in rules(app, "GET") if r.arguments and r.endpoint not in ("static", "assets")]

    @settings(max_examples=250, **SETTINGS)
    @given(st.sampled_from(templates), st.data())
    def check(rule, data):
        arg = data.draw(st.sampled_from(sorted(rule.arguments)))
        value = data.draw(st.one_of(VALUES, RAW))
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        numeric = type(rule._converters[arg]).__name__ in ("BoundedIntConverter", "IntegerConverter")  # noqa: SLF001
        placeholder = "987654329" if numeric else "PLACEHOLDERXYZ"
        built = url_of(rule, seeded.values, {arg: (int(placeholder) if numeric else placeholder) if arg != "lang" else "zh"})
        path = built.replace(placeholder, quote_from_bytes(raw, safe="")) if arg != "lang" else \
            built.replace("/zh", "/" + quote_from_bytes(raw, safe=""), 1)
        _assert_no_5xx(client.get(path), f"GET {path}")

    check()


def _form_checker(visitor, forms, examples: int):
    entries = sorted(forms.values(), key=lambda pf: (pf[1].action, pf[1].method))

    @settings(max_examples=examples, **SETTINGS)
    @given(st.sampled_from(entries), st.data())
    def check(entry, data):
        source, form = entry
        names = [f.name for f in form.fields if not f.name.endswith("csrf_token")
                 and f.kind not in ("submit", "button", "reset", "image", "file")]
        if not names:
            return
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        sent = form.data()
        body_pairs = [_query(k, v) for k, v in sent.items() if k not in chosen]
        body_pairs += [_query(k, data.draw(st.one_of(VALUES, RAW))) for k in chosen]
        body = "&".join(body_pairs)
        if form.method == "get":
            response = visitor.client.get(form.action, query_string=body)
        else:
            response = visitor.client.post(form.action, data=body.encode("ascii"),
                                           content_type="application/x-www-form-urlencoded")
        _assert_no_5xx(response, f"{form.method.upper()} {form.action} {body[:300]}")
        if visitor.logged_out(response):
            visitor.relogin()

    check()


def test_every_public_form(walked):
    app, seeded = walked
    visitor = Visitor(app, seeded, None)
    forms = _forms(visitor, page_paths(app, seeded.values))
    assert len(forms) >= 4
    _form_checker(visitor, forms, 150)


def test_every_staff_form(walked):
    app, seeded = walked
    admin = Visitor(app, seeded, "admin")
    staff_pages = page_paths(app, seeded.values, prefix="/staff")
    forms = {k: v for k, v in _forms(admin, staff_pages).items()
             if v[1].action.startswith("/staff") and v[1].action != "/staff/login"}
    assert len(forms) >= 3
    _form_checker(admin, forms, 150)


@given(st.text(max_size=12))
@settings(max_examples=300, deadline=None)
def test_numbers_from_the_request_are_ascii_digits_only(value):
    from portal.inputs import MAX_ID, ascii_int

    try:
        number = ascii_int(value)
    except ValueError:
        assert not (value.strip().isascii() and value.strip().isdigit() and int(value.strip()) <= MAX_ID)
    else:
        assert value.strip().isascii() and 0 <= number <= MAX_ID and str(number) == value.strip().lstrip("0") or number == 0
    for odd in ("²", "①", "３", "٣", "1²", "-1", "+1", "1.0", "9" * 11, "2147483648"):
        try:
            ascii_int(odd)
        except ValueError:
            continue
        raise AssertionError(f"{odd!r} was read as a number")
