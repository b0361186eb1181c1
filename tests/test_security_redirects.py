"""Issue 11.1: every redirect whose target comes from the request lands on a path of this site, judged
after the normalisation browsers apply (control characters, backslashes, percent-encoding,
scheme-relative forms); anything else goes to a safe default, never a 500."""
from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import csrf_from, login, make_staff
from portal.redirects import safe_target

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [
    "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
    "http://evil.example/", "HTTPS:evil.example", "javascript:alert(1)", "/%2F%2Fevil.example",
    "%2F%2Fevil.example", "/%5Cevil.example", "/%252F%252Fevil.example", "\x00//evil.example",
    " //evil.example", "data:text/html,<script>", "///evil.example", "/%09/evil.example",
    "//evil.example%2F..", "/\x7f/evil.example", "/\u200b/evil.example", "https:/\\evil.example",
]
PIECES = st.sampled_from(["/", "\\", "//", "%2F", "%5C", "%252F", "\t", "\n", "\r", "\x00", " ", ":", "@",
                          "evil.example", "http:", "javascript:", "?", "#", "%", "%0A", "staff", "..", "\u3000"])
TARGETS = st.one_of(st.sampled_from(HOSTILE), st.lists(PIECES, max_size=8).map("".join), st.text(max_size=40))


def _browser_reads(location: str) -> tuple[str, str]:
    """Where a browser goes: Location resolved against our page after dropping tabs and newlines and
    reading backslashes as slashes (the WHATWG URL parser does both)."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/")
    parts = urlsplit(urljoin("http://portal.test/zh/", cleaned))
    return parts.netloc, parts.path


def _same_site(response, where: str, prefix: str = "/") -> None:
    assert response.status_code == 302, f"{where}: {response.status_code}"
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), f"{where}: {location!r}"
    assert all(32 < ord(c) < 127 for c in location), f"{where}: raw character in {location!r}"
    host, path = _browser_reads(location)
    assert host == "portal.test" and path.startswith(prefix), f"{where}: {location!r} leaves the site"


@settings(max_examples=300, deadline=None)
@given(TARGETS)
def test_safe_target_only_gives_same_site_paths(target):
    result = safe_target(target, "/default", prefix="/")
    host, _path = _browser_reads(result)
    assert host == "portal.test" and result.startswith("/") and not result.startswith("//")


def test_safe_target_keeps_good_paths():
    assert safe_target("/zh/plans/2023-city-management/items/2.3?x=1#c", "/d") == "/zh/plans/2023-city-management/items/2.3?x=1#c"
    assert safe_target("/zh/搜索", "/d") == "/zh/%E6%90%9C%E7%B4%A2"
    assert safe_target("/staff/moderation?view=all", "/d", prefix="/staff") == "/staff/moderation?view=all"
    assert safe_target("/staffer", "/d", prefix="/staff") == "/d"
    assert safe_target("/zh/", "/d", prefix="/staff") == "/d"
    for bad in HOSTILE:
        assert safe_target(bad, "/d") == "/d", bad


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=TARGETS)
def test_care_mode_switch(client, target):
    response = client.get("/zh/care", query_string={"on": "1", "next": target})
    _same_site(response, f"care next={target!r}")


@pytest.fixture
def moderator(app):
    make_staff(app, "redir-mod", "moderator")
    c = app.test_client()
    assert login(c, "redir-mod").status_code == 302
    return c


def test_login_next(app):
    make_staff(app, "redir-admin", "admin")
    for target in HOSTILE[:8] + ["/staff/audit"]:
        c = app.test_client()
        page = c.get("/staff/login")
        response = c.post("/staff/login", query_string={"next": target},
                          data={"username": "redir-admin", "password": "correct horse battery",
                                "csrf_token": csrf_from(page.data)})
        _same_site(response, f"login next={target!r}", prefix="/staff")
    assert response.headers["Location"] == "/staff/audit"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=TARGETS)
def test_moderation_next(moderator, target):
    page = moderator.get("/staff/moderation")
    response = moderator.post("/staff/moderation", data={"ids": "999999", "action": "approve", "next": target,
                                                         "csrf_token": csrf_from(page.data)})
    _same_site(response, f"moderation next={target!r}", prefix="/staff")


def _redirect_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "redirect" and node.args:
            yield node


def _trusted(node: ast.AST) -> bool:
    """A target built by url_for (plus a literal fragment), or passed through the safe-target check."""
    if isinstance(node, ast.BinOp):
        return _trusted(node.left) and isinstance(node.right, (ast.Constant, ast.JoinedStr))
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        return name in ("url_for", "safe_target", "_safe_next")
    return False


def test_every_redirect_goes_through_the_check():
    """The class, not the instances: a new redirect with a raw request value fails here."""
    found = 0
    for path in (ROOT / "portal").rglob("*.py"):
        for call in _redirect_calls(ast.parse(path.read_text())):
            found += 1
            assert _trusted(call.args[0]), f"{path.relative_to(ROOT)}:{call.lineno} redirects to an unchecked target"
    assert found >= 8


def test_decision_next(app, moderator):
    from feedback_support import decide, submit_direct

    feedback_id, _code = submit_direct(app)
    assert decide(moderator, feedback_id, "approve").status_code == 302
    for target in HOSTILE + ["/staff/moderation?view=all"]:
        response = decide(moderator, feedback_id, "reply", reply="已安排。", next=target)
        _same_site(response, f"reply next={target!r}", prefix="/staff")
    assert response.headers["Location"] == "/staff/moderation?view=all"


@pytest.mark.parametrize("target", ["/staff/../zh/", "/staff/%2e%2e/zh/", "/staff/.%2E/zh/", "/staff/x/../../zh/",
                                    "/staff/..", "/staff/..?next=x"])
def test_a_dot_segment_does_not_leave_the_prefix(target):
    """A browser resolves /staff/../zh/ (and %2e%2e, which the URL standard reads as ..) to /zh/: the target
    was judged by its text and passed as a staff address."""
    assert safe_target(target, "/d", prefix="/staff") == "/d"
    host, path = _browser_reads(safe_target(target, "/staff/", prefix="/staff"))
    assert path.startswith("/staff/")


def test_dot_segments_inside_the_prefix_still_pass():
    assert safe_target("/staff/items/../moderation", "/d", prefix="/staff") == "/staff/items/../moderation"
