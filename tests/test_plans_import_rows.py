"""`flask plans import --publish`, then a restart, is all it takes (docs/plans.md): the new plan's work points
have their database rows, so a resident can comment on one and /healthz says ok, with no `load-content`."""
from __future__ import annotations

from sqlalchemy import func, select

from test_plans_import import NOTICE_2024, SLUG, content  # noqa: F401  (the fixture)


def test_a_plan_published_by_import_takes_comments_after_a_restart(app_factory, content, tmp_path):  # noqa: F811
    from portal import create_app
    from portal.extensions import db
    from portal.models import Feedback, WorkItem

    site = app_factory(CONTENT_DIR=str(content))
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    result = site.test_cli_runner().invoke(args=["plans", "import", str(source), "--slug", SLUG, "--publish"])
    assert result.exit_code == 0, result.output

    # The restart: a new app on the same database and content, and nothing else run.
    restarted = create_app({**{k: site.config[k] for k in ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY",
                                                           "PORTAL_TODAY", "SEARCH_LOG_FLUSH_SECONDS")},
                            "CONTENT_DIR": str(content), "SEARCH_INDEX": str(tmp_path / "index-restarted")})
    client = restarted.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["checks"]["database"] == "ok", health.get_json()
    item = f"/zh/plans/{SLUG}/items/2.2"
    answer = client.post(f"{item}/feedback", data={"body": "老旧小区改造什么时候开始？想了解一下。", "kind": "question"},
                         headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 302, answer.status_code  # to the comment's tracking page
    with restarted.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.plan == SLUG)) == 5
        assert db.session.scalar(select(func.count()).select_from(Feedback).where(Feedback.plan == SLUG)) == 1
        db.session.remove()
        db.engine.dispose()


def test_a_backup_from_before_the_import_restored_keeps_the_new_plan_working(app_factory, content, tmp_path):  # noqa: F811
    """The database of a backup taken before next year's plan was imported has no rows for it: restored over a
    site that serves that plan, comments on it failed and /healthz said "not loaded" until load-content."""
    site = app_factory(CONTENT_DIR=str(content))
    runner = site.test_cli_runner()
    assert runner.invoke(args=["backup", "--out", str(tmp_path / "b")]).exit_code == 0
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    assert runner.invoke(args=["plans", "import", str(source), "--slug", SLUG, "--publish"]).exit_code == 0
    from portal.services.content import init_content

    init_content(site)  # the restart the import asks for
    archive = next((tmp_path / "b").glob("portal-backup-*.tar.gz"))
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    health = site.test_client().get("/healthz")
    assert health.status_code == 200, health.get_json()
