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


def test_health_is_ok_for_a_current_plan_of_any_size(tmp_path, app_factory):
    """/healthz counted the current plan's work points against 30, the 2023 notice's: the day next year's
    notice (here 3 work points) became the current plan, every node said "content: missing" with a 503."""
    import shutil

    from test_next_year_notices import SLUG, _published_2025

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN=SLUG)
    assert len(app.extensions["portal_content"].items) != 30
    r = app.test_client().get("/healthz")
    assert r.status_code == 200, r.get_json()


def test_health_says_when_the_search_index_cannot_be_read(app_factory):
    """The search index was not looked at: with its folder gone or damaged, /healthz said "ok"."""
    import shutil

    from portal.search import index

    app = app_factory()
    client = app.test_client()
    with app.app_context():
        index.build()
    assert client.get("/healthz").get_json() == {
        "status": "ok", "checks": {"content": "ok", "database": "ok", "search_index": "ok"}}
    with app.app_context():
        shutil.rmtree(index.current_dir().resolve())
    # Pages still work and the next search rebuilds it: served (200), but not called "ok".
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "degraded"
    assert r.get_json()["checks"]["search_index"] == "unavailable"
    client.get("/zh/search?q=电梯")
    assert client.get("/healthz").get_json()["status"] == "ok"
