"""Each test gets its own app, SQLite database, search index and instance directory."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["browser_support"]

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    config.addinivalue_line("markers", "load: starts gunicorn and sends hundreds of requests (skip with -m 'not load')")
    # Deprecated WTForms usage (choices as tuples, issue 15) fails the test that renders it, so it cannot come back.
    config.addinivalue_line("filterwarnings", "error::DeprecationWarning:wtforms.*")


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch):
    """Commands speak the terminal's language (portal/i18n.py, terminal_lang): the tests that read their English
    run in an English terminal whatever the developer's own locale; a test of the Chinese sets LANG itself."""
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def app_factory(tmp_path, monkeypatch):
    """Build an app with a fresh database (migrated with Alembic) and content loaded."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.services.content import content, sync_items

    made = []

    def make(**overrides):
        inst = tmp_path / f"instance{len(made)}"
        monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(inst))
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": overrides.pop("database_url", None) or _database_url(tmp_path, len(made)),
            "SEARCH_INDEX": str(tmp_path / f"index{len(made)}"),
            "PORTAL_TODAY": "2026-11-24",
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": True,
            # Search counts are written when a test reads the report or flushes, never in the middle
            # of a request whose statements a test counts.
            "SEARCH_LOG_FLUSH_SECONDS": 3600,
        }
        config.update(overrides)
        app = create_app(config)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            sync_items()
        made.append(app)
        return app

    yield make
    from portal.extensions import db

    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    from pg_support import drop_databases

    drop_databases()


def _database_url(tmp_path: Path, n: int) -> str:
    import os

    shared = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if shared:  # a PostgreSQL server: each test gets its own database, dropped afterwards
        from pg_support import fresh_database

        return fresh_database(shared)
    from sqlite_support import fresh_database as fresh_sqlite

    return fresh_sqlite(tmp_path / f"portal{n}.db")


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


def text_of(html: bytes | str) -> str:
    """Visible text of a page, tags removed, for assertions about what a reader sees (not the word joiners that
    keep a count with its Chinese word: they have no glyph; i18n.counts_kept_with_their_words)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    html = html.replace("\u2060", "")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


_HIDDEN_RE = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTR_RE = re.compile(r'(name|value)="([^"]*)"')


def hidden_fields(html: bytes | str) -> dict[str, str]:
    """The hidden inputs of every form on a page (CSRF tokens, the versions the forms were built from), as
    a browser sends them with whichever form is posted; names of other forms are ignored by the server."""
    from html import unescape

    if isinstance(html, bytes):
        html = html.decode("utf-8")
    found = {}
    for tag in _HIDDEN_RE.findall(html):
        attrs = dict(_ATTR_RE.findall(tag))
        if "name" in attrs:
            found.setdefault(attrs["name"], unescape(attrs.get("value", "")))
    return found


def csrf_from(html: bytes | str) -> str:
    """The CSRF token of the first form on a page; "" on residents' pages, whose forms carry none
    (portal/same_origin.py checks where they were posted from instead)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    m = CSRF_RE.search(html)
    return (m.group(1) or m.group(2)) if m else ""


STAFF_PASSWORD = "correct horse battery"


def make_staff(app, username: str, role: str):
    from portal.services.auth import create_staff

    with app.app_context():
        return create_staff(username, STAFF_PASSWORD, role).id


def login(client, username: str, password: str = STAFF_PASSWORD):
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_from(page.data)})


@pytest.fixture
def staff_client(app):
    """staff_client("editor") -> a test client logged in with a new account of that role."""
    def make(role: str = "moderator"):
        username = f"{role}-{len(app.extensions.setdefault('test_staff', []))}"
        app.extensions["test_staff"].append(username)
        make_staff(app, username, role)
        c = app.test_client()
        assert login(c, username).status_code == 302
        return c
    return make
