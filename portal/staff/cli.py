"""flask --app wsgi staff create|disable|enable|reset-password|reset-2fa|end-sessions: account
management without a browser."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from ..services import audit, auth, staff_sessions, two_factor
from ..services.errors import NotAllowed
from ..states import SessionEnd


def _read_password(prompt: bool) -> str:
    # A script pipes the password on stdin; a person at a terminal is prompted twice.
    if sys.stdin.isatty() and prompt:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def register_cli(app: Flask) -> None:
    staff = AppGroup("staff", help="Manage staff accounts.")

    @staff.command("create")
    @click.argument("username")
    @click.option("--role", type=click.Choice(auth.ROLES), required=True)
    def create(username: str, role: str):
        try:
            user = auth.create_staff(username, _read_password(True), role)
        except NotAllowed as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"created {user.username} ({user.role})")

    @staff.command("reset-password")
    @click.argument("username")
    def reset_password(username: str):
        user = auth.find(username)
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        try:
            auth.set_password(user, _read_password(True))
        except NotAllowed as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"password reset for {user.username}")

    @staff.command("disable")
    @click.argument("username")
    def disable(username: str):
        user = auth.find(username)
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        try:
            auth.set_active(user, False)
        except NotAllowed as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"disabled {user.username}")

    @staff.command("enable")
    @click.argument("username")
    def enable(username: str):
        user = auth.find(username)
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        auth.set_active(user, True)
        click.echo(f"enabled {user.username}")

    _add_security_commands(staff)
    app.cli.add_command(staff)


def _existing(username: str):
    user = auth.find(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


def _add_security_commands(staff: AppGroup) -> None:
    @staff.command("reset-2fa")
    @click.argument("username")
    def reset_2fa(username: str):
        """Turn off someone's second factor (lost phone and recovery codes); they set it up again."""
        user = _existing(username)
        two_factor.disable(user)
        click.echo(f"second factor turned off for {user.username}")

    @staff.command("end-sessions")
    @click.argument("username")
    def end_sessions(username: str):
        """Log the account out everywhere."""
        user = _existing(username)
        ended = staff_sessions.end_all(user, SessionEnd.ADMIN)
        audit.record("staff.sessions_end", "staff_user", user.id, None, {"sessions_ended": ended})
        db.session.commit()
        click.echo(f"ended {ended} session(s) of {user.username}")
