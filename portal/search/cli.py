"""flask --app wsgi search build|ensure|purge-log."""
from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..cli_language import option
from . import index


def register_cli(app: Flask) -> None:
    group = AppGroup("search", help=_l("Build and check the search index."))

    @group.command("build", help=_l("Rebuild the index from scratch (atomic swap)."))
    def build_command():
        started = time.perf_counter()
        path = index.build(progress=click.echo)
        click.echo(gettext("search index built at %(path)s in %(seconds)ss", path=path,
                           seconds=f"{time.perf_counter() - started:.2f}"))

    @group.command("ensure", help=_l("Build the index only when it is missing or stale."))
    def ensure_command():
        started = time.perf_counter()
        built = index.ensure(progress=click.echo)
        if built:
            click.echo(gettext("search index (re)built in %(seconds)ss",
                               seconds=f"{time.perf_counter() - started:.2f}"))
        else:
            click.echo(gettext("search index is current"))

    @group.command("purge-log", help=_l("Delete search-report counts older than the kept period (run daily, e.g. "
                                        "from cron)."))
    @option("--keep-days", default=None, type=int, help=_l("Weeks that began earlier are deleted (default: 90)."))
    def purge_log_command(keep_days: int | None):
        from ..services import search_log

        keep_days = search_log.KEEP_DAYS if keep_days is None else keep_days
        deleted = search_log.purge(keep_days)
        click.echo(gettext("search log: %(count)s weekly rows older than %(days)s days deleted", count=deleted,
                           days=keep_days))

    app.cli.add_command(group)
