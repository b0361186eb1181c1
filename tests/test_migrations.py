"""Migrations: the models and the migrations agree, and data migrations do what they say on existing rows."""
from __future__ import annotations

import functools
import importlib.util
from datetime import datetime

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT


def test_the_models_match_the_migrations(app):
    """A column or index added to portal/models.py without a migration (or the reverse) is caught here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from portal.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata) == []


@functools.cache
def _subscription_migration():
    spec = importlib.util.spec_from_file_location(
        "subscription_email_migration", ROOT / "migrations/versions/0014_subscription_email.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@settings(deadline=None)  # the first example imports the app and the migration; the machine is shared
@given(address=st.one_of(st.text(max_size=40), st.emails().map(str.upper),
                         st.emails().map(lambda a: a.replace(".", "\u3002"))))
def test_the_subscription_migration_reads_addresses_as_the_app_does(address):
    from portal.services.follow import normalise_email

    assert _subscription_migration()._normalise(address) == normalise_email(address)  # noqa: SLF001


def test_one_mailbox_typed_twice_becomes_one_subscription_the_confirmed_one(app):
    from flask_migrate import downgrade, upgrade

    from portal.extensions import db

    at = datetime(2026, 11, 24)
    rows = [("Resident@QQ.com", "2.3", None), ("resident@qq.com", "2.3", at), ("RESIDENT@qq.com", "3.1", None),
            ("someone@163.com", "2.3", at)]
    with app.app_context():
        db.session.remove()
        downgrade(directory=str(ROOT / "migrations"), revision="username_key")
        for n, (email, key, confirmed) in enumerate(rows):
            db.session.execute(sa.text(
                "INSERT INTO subscription (email, kind, key, lang, token_hash, created_at, confirmed_at) "
                "VALUES (:email, 'item', :key, 'zh', :token, :at, :confirmed)"),
                {"email": email, "key": key, "token": f"{n:064d}", "at": at, "confirmed": confirmed})
        db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        left = db.session.execute(sa.text(
            "SELECT email, key, confirmed_at IS NOT NULL FROM subscription ORDER BY key, email")).all()
    assert [tuple(r) for r in left] == [("resident@qq.com", "2.3", True), ("someone@163.com", "2.3", True),
                                        ("resident@qq.com", "3.1", False)]


def test_each_migration_steps_down_and_up_again_keeping_residents_data(app):
    """`flask db downgrade` is what an operator has when a release must be taken back: every step down from the
    head, and up again, must run on a database with data, and leave comments, accounts and statuses as they were
    (a table a step creates is dropped by its downgrade, with its rows: the mail queue, the data version)."""
    from datetime import date

    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    from conftest import make_staff
    from portal.extensions import db
    from portal.services import feedback
    from portal.services.progress import record_update

    make_staff(app, "migration-check", "moderator")
    with app.app_context():
        feedback.submit("2.3", body="降级再升级之后，这条留言应当还在。", kind="question", ip="198.51.100.7", lang="zh")
        record_update("2.3", "in_progress", "进展说明。", "Progress note.", date(2023, 10, 1))
        kept = {"feedback": "SELECT tracking_code, body, state FROM feedback",
                "staff_user": "SELECT username, role FROM staff_user",
                "status_update": "SELECT status, note_zh FROM status_update"}

        def rows():
            db.session.remove()
            with db.engine.connect() as conn:
                return {name: sorted(map(tuple, conn.execute(sa.text(sql)))) for name, sql in kept.items()}

        before = rows()
        assert all(before.values())
        directory = str(ROOT / "migrations")
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        steps = [rev.down_revision for rev in script.walk_revisions() if rev.down_revision]
        for target in steps:
            db.session.remove()
            downgrade(directory=directory, revision=target)
            upgrade(directory=directory)
            assert rows() == before, f"down to {target} and up again"
        db.session.remove()
