"""flask --app wsgi staff create|disable|enable|reset-password|reset-2fa|end-sessions: account
management without a browser."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..cli_language import option
from ..extensions import db
from ..services import audit, auth, staff_sessions, two_factor
from ..services.errors import NotAllowed
from ..states import SessionEnd


def _read_password(prompt: bool) -> str:
    # A script pipes the password on stdin; a person at a terminal is prompted twice.
    if sys.stdin.isatty() and prompt:
        return click.prompt(gettext("Password"), hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def register_cli(app: Flask) -> None:
    staff = AppGroup("staff", help=_l("Manage staff accounts."))

    @staff.command("create", help=_l("Create an account; its password is read from stdin, or asked for twice at "
                                     "a terminal."))
    @click.argument("username")
    @option("--role", type=click.Choice(auth.ROLES), required=True, help=_l("What the account may do."))
    def create(username: str, role: str):
        with _refused_as_error():
            user = auth.create_staff(username, _read_password(True), role)
        click.echo(gettext("created %(name)s (%(role)s)", name=user.username, role=user.role))

    @staff.command("reset-password", help=_l("Give the account a new password (read as for create); it is "
                                             "logged out everywhere."))
    @click.argument("username")
    def reset_password(username: str):
        user = _existing(username)
        with _refused_as_error():
            auth.set_password(user, _read_password(True))
        click.echo(gettext("password reset for %(name)s", name=user.username))

    @staff.command("disable", help=_l("Stop the account from logging in; it is logged out everywhere."))
    @click.argument("username")
    def disable(username: str):
        _set_active(username, False)

    @staff.command("enable", help=_l("Let a disabled account log in again."))
    @click.argument("username")
    def enable(username: str):
        _set_active(username, True)

    _add_security_commands(staff)
    app.cli.add_command(staff)


def _existing(username: str):
    user = auth.find(username)
    if user is None:
        raise click.ClickException(gettext("no user %(name)s", name=repr(username)))
    return user


@contextmanager
def _refused_as_error():
    # A rule the service refuses (last admin, weak password) is a message, not a traceback.
    try:
        yield
    except NotAllowed as exc:
        raise click.ClickException(exc.translated()) from None


def _set_active(username: str, active: bool) -> None:
    user = _existing(username)
    with _refused_as_error():
        auth.set_active(user, active)
    click.echo(gettext("enabled %(name)s", name=user.username) if active
               else gettext("disabled %(name)s", name=user.username))


def _add_security_commands(staff: AppGroup) -> None:
    @staff.command("reset-2fa", help=_l("Turn off someone's second factor (lost phone and recovery codes); they "
                                        "set it up again."))
    @click.argument("username")
    def reset_2fa(username: str):
        user = _existing(username)
        two_factor.disable(user)
        click.echo(gettext("second factor turned off for %(name)s", name=user.username))

    @staff.command("end-sessions", help=_l("Log the account out everywhere."))
    @click.argument("username")
    def end_sessions(username: str):
        user = _existing(username)
        ended = staff_sessions.end_all(user, SessionEnd.ADMIN)
        audit.record("staff.sessions_end", "staff_user", user.id, None, {"sessions_ended": ended})
        db.session.commit()
        click.echo(gettext("ended %(count)s session(s) of %(name)s", count=ended, name=user.username))
