"""flask --app wsgi COMMAND: the same services the pages use, for operators and make targets."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from .services.content import content, sync_items


def register_cli(app: Flask) -> None:
    @app.cli.command("load-content")
    @with_appcontext
    def load_content_command():
        """Validate content/ and make sure every work point has its database row."""
        result = sync_items(content())
        click.echo(f"content: {result['total']} work points ({result['added']} added, {result['updated']} updated)")
