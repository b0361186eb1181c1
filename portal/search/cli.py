"""flask --app wsgi search build|ensure."""
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
        path = index.build()
        click.echo(f"search index built at {path} in {time.perf_counter() - started:.2f}s")

    @group.command("ensure")
    def ensure_command():
        """Build the index only when it is missing or stale."""
        started = time.perf_counter()
        built = index.ensure()
        if built:
            click.echo(f"search index (re)built in {time.perf_counter() - started:.2f}s")
        else:
            click.echo("search index is current")

    app.cli.add_command(group)
