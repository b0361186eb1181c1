"""flask --app wsgi search build|ensure|purge-log."""
from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from . import index


def register_cli(app: Flask) -> None:
    group = AppGroup("search", help="Build and check the search index.")

    @group.command("build")
    def build_command():
        """Rebuild the index from scratch (atomic swap)."""
        started = time.perf_counter()
        path = index.build(progress=click.echo)
        click.echo(f"search index built at {path} in {time.perf_counter() - started:.2f}s")

    @group.command("ensure")
    def ensure_command():
        """Build the index only when it is missing or stale."""
        started = time.perf_counter()
        built = index.ensure(progress=click.echo)
        if built:
            click.echo(f"search index (re)built in {time.perf_counter() - started:.2f}s")
        else:
            click.echo("search index is current")

    @group.command("purge-log")
    @click.option("--keep-days", default=None, type=int, help="Weeks that began earlier are deleted (default: 90).")
    def purge_log_command(keep_days: int | None):
        """Delete search-report counts older than the kept period (run daily, e.g. from cron)."""
        from ..services import search_log

        keep_days = search_log.KEEP_DAYS if keep_days is None else keep_days
        deleted = search_log.purge(keep_days)
        click.echo(f"search log: {deleted} weekly rows older than {keep_days} days deleted")

    app.cli.add_command(group)
