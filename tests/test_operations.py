"""Running the site year after year: what an operator who did not build it meets (docs/deploy.md)."""
from __future__ import annotations

import pytest

from conftest import ROOT, _database_url


@pytest.fixture
def unmigrated(tmp_path, monkeypatch):
    """An app on a database nobody has run `flask db upgrade` on yet."""
    from portal import create_app

    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SEARCH_INDEX": str(tmp_path / "index"),
                      "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path, 0)})
    yield app
    from portal.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    from pg_support import drop_databases

    drop_databases()


@pytest.mark.parametrize("args", [["load-content"], ["search", "ensure"], ["privacy", "purge"],
                                  ["staff", "create", "alice", "--role", "admin"], ["backup", "--out", "backups"]])
def test_a_command_before_db_upgrade_says_to_run_it(unmigrated, args, tmp_path, monkeypatch):
    """Each of these used to print a 30-line SQLAlchemy traceback ending in "no such table: work_item"."""
    monkeypatch.chdir(tmp_path)
    result = unmigrated.test_cli_runner().invoke(args=args, input="Xk29-long-pass-phrase!\n")
    assert result.exit_code == 1, result.output
    assert "flask --app wsgi db upgrade" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)

