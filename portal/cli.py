"""flask --app wsgi COMMAND: the same services the pages use, for operators and make targets."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DatabaseError

from .cli_language import click_reads_our_catalog, confirm, option
from .services.content import sync_items


def register_cli(app: Flask) -> None:
    from .plans_cli import plans_cli

    click_reads_our_catalog(app)
    for command in (plans_cli, load_content_command, backup_command, restore_command):
        app.cli.add_command(command)
    for name, command in app.cli.commands.items():  # every area's commands are registered by now
        if name != "db":  # Flask-Migrate's own: its errors are the ones to read
            _explain_database_errors(command)


def _explain_database_errors(command: click.Command) -> None:
    """A command run on a database without this release's tables (a fresh checkout before `db upgrade`, or a
    deploy before it) says what to run instead of printing SQLAlchemy's "no such table" traceback. The
    database is looked at only after a command failed, so one that needs no tables (restore) still works.

    Commands are module-level objects shared by every app made in the process (tests make hundreds): wrapped
    once, and the app is the one this invocation loaded, never one captured here."""
    if getattr(command, "_explains_database_errors", False):
        return
    invoke = command.invoke

    def invoke_and_explain(ctx: click.Context):
        try:
            return invoke(ctx)
        except DatabaseError:
            hint = _schema_hint(ctx.ensure_object(ScriptInfo).load_app())
            if hint:
                raise click.ClickException(hint) from None
            raise

    command.invoke = invoke_and_explain
    command._explains_database_errors = True


def _schema_hint(app: Flask) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from .extensions import db

    with app.app_context():
        db.session.remove()
        head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
        try:
            with db.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        except DatabaseError:
            return None  # the database itself is unreachable: SQLAlchemy's own message says more
    if current is None:
        return gettext("the database has no tables yet: run `flask --app wsgi db upgrade` first "
                       "(`make run` does it)")
    if current != head:
        return gettext("the database is at revision %(current)s, this release needs %(head)s: run "
                       "`flask --app wsgi db upgrade` first", current=current, head=head)
    return None


@click.command("load-content", help=_l("Validate content/ and make sure every work point has its database row; "
                                        "warn about invented figures."))
@with_appcontext
def load_content_command():
    from .content.honesty import plan_problems
    from .services.content import registry

    result = sync_items()
    click.echo(gettext("content: %(total)s work points (%(added)s added, %(updated)s updated)", **result))
    # A writer's slip must not take a running site down: it is logged for staff (and `flask plans check`
    # fails on it), not refused here.
    for store in registry().stores.values():
        for problem in plan_problems(store):
            current_app.logger.warning("not in the notice: %s", problem)
            click.echo(gettext("warning: not in the notice: %(problem)s", problem=problem), err=True)


@click.command("backup", help=_l("Write a consistent copy of the database and the content directory into one "
                                 "tarball."))
@option("--out", "out_dir", default="backups", show_default=True, type=click.Path(file_okay=False),
        help=_l("Folder for the timestamped portal-backup-*.tar.gz."))
@with_appcontext
def backup_command(out_dir):
    from .backup import BackupError, create_backup, read_manifest

    try:
        path = create_backup(out_dir)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = read_manifest(path)["database"]["rows"]
    click.echo(gettext("backup written: %(path)s (%(rows)s rows in %(tables)s tables)", path=path,
                       rows=sum(rows.values()), tables=len(rows)))


@click.command("restore", help=_l("Replace the database (and with --content the content directory) by a backup. "
                                  "Stop the server first."))
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@option("--content", "with_content", is_flag=True,
        help=_l("Also put back the content directory (the current one is kept beside it)."))
@option("--yes", is_flag=True, help=_l("Do not ask for confirmation."))
@with_appcontext
def restore_command(archive, with_content, yes):
    from .backup import BackupError, read_manifest, restore_backup
    from .search import index

    try:
        manifest = read_manifest(archive)
        if not yes:
            confirm(gettext("Replace the current database with the backup of %(taken)s?", taken=manifest["created_at"]))
        restore_backup(archive, with_content=with_content)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if with_content:
        from .services.content import init_content

        init_content(current_app)
        click.echo(gettext("content restored; restart the server to serve it"))
    # A backup from before a plan was imported has no rows for that plan's work points: comments on them failed.
    sync_items()
    index.build()  # statuses, comments and text in the index now match what was restored
    click.echo(gettext("restored %(archive)s (taken %(taken)s)", archive=archive, taken=manifest["created_at"]))
