"""A fresh PostgreSQL database per test when PORTAL_TEST_DATABASE_URL points at a server.

The first call migrates and loads a template database once per test session; every test then gets
`CREATE DATABASE ... TEMPLATE` (a file copy, far quicker than migrating) and it is dropped after the test.
"""
from __future__ import annotations

import atexit
import os
import uuid

from sqlalchemy.engine import URL, make_url

_created: list[tuple[URL, str]] = []
_template: dict[str, str] = {}


def _admin(url: URL):
    import psycopg

    return psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True)


def _make_template(base: URL) -> str:
    from sqlite_support import migrate_and_load

    name = f"portal_tmpl_{os.getpid()}"
    with _admin(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    atexit.register(_drop, base, name)
    migrate_and_load(base.set(database=name).render_as_string(hide_password=False), "/nonexistent")
    return name


def fresh_database(shared_url: str) -> str:
    base = make_url(shared_url)
    key = base.render_as_string(hide_password=False)
    if key not in _template:
        _template[key] = _make_template(base)
    name = f"portal_t_{uuid.uuid4().hex[:12]}"
    with _admin(base) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template[key]}"')
    _created.append((base, name))
    return base.set(database=name).render_as_string(hide_password=False)


def empty_database(shared_url: str) -> str:
    """A database with no tables at all (one nobody has run `flask db upgrade` on); dropped like the others."""
    base = make_url(shared_url)
    name = f"portal_t_{uuid.uuid4().hex[:12]}"
    with _admin(base) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _created.append((base, name))
    return base.set(database=name).render_as_string(hide_password=False)


def _drop(base: URL, name: str) -> None:
    try:
        with _admin(base) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:  # noqa: BLE001 - the server may already be gone at exit
        pass


def drop_databases() -> None:
    """Drop the databases made for the test that just ended (its engines are disposed by then)."""
    while _created:
        _drop(*_created.pop())
