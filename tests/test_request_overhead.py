"""Work every page pays that does nothing for it: an exception built and thrown away by the layout's own
look-ups, and Flask's coroutine check answered through `inspect` for every hook and view."""
from __future__ import annotations

import sys

import pytest
from flask import Flask

from public_pages import public_pages, seed


def _thrown_in_templates(client, path: str) -> list[str]:
    """Exceptions raised by C functions (getattr on a dict's missing attribute) while `path` is rendered,
    named by the template line that asked."""
    thrown = []

    def watch(frame, event, arg):
        if event == "c_exception" and frame.f_back is not None and frame.f_back.f_code.co_filename.endswith(".html"):
            thrown.append(f"{frame.f_back.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_back.f_lineno}")

    client.get(path)  # templates compiled, fragments kept
    sys.setprofile(watch)
    try:
        assert client.get(path).status_code == 200
    finally:
        sys.setprofile(None)
    return thrown


def test_the_layout_reads_its_links_without_throwing(app, client):
    # `links.home` on a plain dict: Jinja tries the attribute first and builds an AttributeError for each.
    for page in public_pages(app, seed(app))[:6]:
        assert not [t for t in _thrown_in_templates(client, page.path) if t.startswith("base.html")], page.path
    assert _thrown_in_templates(client, "/zh/search?q=加装电梯") == []


def test_site_links_read_the_same_as_attributes_and_items(app):
    from portal.templating import site_links

    with app.test_request_context("/zh/"):
        links = site_links("zh")
        assert links and all(getattr(links, name) == address for name, address in links.items())


def test_plain_hooks_and_views_skip_the_coroutine_check_and_async_ones_still_take_it(app, monkeypatch):
    asked = []
    monkeypatch.setattr(Flask, "ensure_sync", lambda self, func: asked.append(func) or func)

    def hook():
        return None

    class Hooks:
        def method(self):
            return None

    async def view():
        return "x"

    bound = Hooks().method
    assert app.ensure_sync(hook) is hook and app.ensure_sync(bound) is bound and asked == []
    assert app.ensure_sync(view) is view and asked == [view]


@pytest.mark.parametrize("callable_object", [len, type("Callable", (), {"__call__": lambda self: None})()])
def test_callables_without_their_own_code_go_through_flask(app, monkeypatch, callable_object):
    asked = []
    monkeypatch.setattr(Flask, "ensure_sync", lambda self, func: asked.append(func) or func)
    app.ensure_sync(callable_object)
    assert asked == [callable_object]


def test_a_worker_does_not_load_cryptography_until_an_admin_confirms_an_action(tmp_path):
    # Preloaded by gunicorn's master, whatever create_app imports every worker carries: cryptography's bindings
    # were about 9 MB of the 150 MB a worker may use (#15), for the rare "type your password again" step.
    import subprocess

    code = ("import os, sys; os.environ['PORTAL_DATABASE_URL'] = 'sqlite:///' + sys.argv[1]; "
            "from portal import create_app; create_app(); print(sorted(m for m in sys.modules if m.startswith('cryptography')))")
    shown = subprocess.run([sys.executable, "-c", code, str(tmp_path / "portal.db")], capture_output=True, text=True,
                           check=True, cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert shown.stdout.strip().splitlines()[-1] == "[]"


def test_a_page_asks_its_response_about_absent_headers_without_an_exception(app, client, monkeypatch):
    # werkzeug's Headers answer `"ETag" in headers` and `.get("Vary")` for an absent name by building a
    # BadRequestKeyError and catching it; a page asks about five such names (portal/app_class.py).
    from werkzeug.exceptions import BadRequestKeyError

    built = []
    original = BadRequestKeyError.__init__
    monkeypatch.setattr(BadRequestKeyError, "__init__", lambda self, *a, **k: built.append(a) or original(self, *a, **k))
    client.get("/zh/search?q=加装电梯")  # templates compiled, fragments kept
    built.clear()
    response = client.get("/zh/search?q=加装电梯", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    # The test client's own request building asks about Content-Type and Content-Length the old way.
    assert [a for a in built if a[0].lower() not in ("content-type", "content-length")] == []
    assert len(built) <= 4


def test_response_headers_answer_as_werkzeugs_do():
    from werkzeug.datastructures import Headers

    from portal.app_class import ResponseHeaders

    pairs = [("Content-Type", "text/html"), ("Vary", "Accept-Encoding"), ("X-Count", "12"), ("vary", "Cookie")]
    ours, theirs = ResponseHeaders(pairs), Headers(pairs)
    for name in ("content-type", "VARY", "X-Count", "ETag", "", "Content-Length"):
        assert (name in ours) == (name in theirs), name
        assert ours.get(name) == theirs.get(name), name
        assert ours.get(name, "none") == theirs.get(name, "none"), name
        assert ours.get(name, -1, type=int) == theirs.get(name, -1, type=int), name


def test_a_text_is_normalised_once_whatever_steps_read_it(app, client):
    # clean(), the word split, the stems and the thesaurus each normalise the text they are given: the same
    # string four times a search. The second time is the kept answer itself.
    from portal.search.analysis import normalize

    assert client.get("/zh/search?q=充电桩车棚").status_code == 200
    for text in ("充电桩车棚", "加裝電梯 ＡＢＣ"):
        first = normalize(text)
        assert normalize(text) is first
    assert normalize("加裝電梯 ＡＢＣ") == "加装电梯 abc"


def test_a_message_is_made_html_once_per_language(app):
    # Each {{ _() }} made a new Markup of the catalogue's message; the messages are the templates' own words.
    from portal.template_gettext import bound_gettext

    with app.test_request_context("/zh/"):
        _ = bound_gettext()["_"]
        context = app.jinja_env.from_string("").new_context({})
        assert _(context, "Search") is _(context, "Search") == "搜索"
        assert _(context, "Plan %(year)s", year=2023) == "2023\u2060年计划"  # the count kept with its word
