"""A fresh SQLite database per test, copied from one migrated and loaded template.

Migrating from nothing took about half a second a test (SQLite rebuilds tables for every batch
migration); the template is migrated once per test session with the same Alembic scripts, so every
migration still runs, and each test still gets a database of its own. tests/pg_support.py does the
same for PostgreSQL with CREATE DATABASE ... TEMPLATE.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

_template: list[Path] = []


def migrate_and_load(database_url: str, search_index: str) -> None:
    """Brings an empty database to the newest migration and loads the content, as `make run` does."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.services.content import sync_items

    from conftest import ROOT

    app = create_app({"TESTING": True, "SECRET_KEY": "template", "SEARCH_INDEX": search_index,
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sync_items()
        db.session.remove()
        db.engine.dispose()


def _make_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="portal-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    migrate_and_load(f"sqlite:///{path}", str(folder / "index"))
    return path


def fresh_database(path: Path) -> str:
    if not _template:
        _template.append(_make_template())
    shutil.copyfile(_template[0], path)
    return f"sqlite:///{path}"
