"""The `flask` commands wholly in the terminal's language (portal.i18n.terminal_lang).

Our own messages already follow it: outside a request Flask-Babel's locale selector asks the terminal.
Three things are left, all here: click's own words ("Usage:", "Error: ...", "Missing argument", the
--help headings), the help texts of our commands and options, and a yes-or-no question's answers.
"""
from __future__ import annotations

import gettext

import click
from flask import Flask
from flask_babel import gettext as _


def click_reads_our_catalog(app: Flask) -> None:
    """Click translates its words with the standard library's gettext, in the default text domain,
    "messages", which is our catalog's name too (its msgids are kept by portal/click_words.py). Telling
    the standard library where that domain's catalogs are is all it takes; it reads the language from the
    environment on every call, as terminal_lang() does, so click and our messages always agree.

    Why bindtextdomain and nothing else: gettext.translation(...).install() sets builtins._, which click
    never reads (it calls gettext.gettext), and textdomain() would rename the default domain for every
    library in the process; bindtextdomain patches nothing and only answers those that ask the standard
    library for "messages" (click, argparse), and only with msgids our catalog has. So it is safe to do
    whenever the commands are registered, also in the web server: pages are translated by Flask-Babel from
    its own loaded catalogs, which never go through this domain.
    """
    gettext.bindtextdomain("messages", app.config["BABEL_TRANSLATION_DIRECTORIES"])


class Option(click.Option):
    """A click option whose help= may be a lazy string (``_l``) that stays lazy, so --help shows it in the
    terminal's language. click.Option cleans its help when the option is declared, at import, when no
    language is known yet, which would fix it in English."""

    def __init__(self, *param_decls, help=None, **attrs):
        super().__init__(*param_decls, help=help, **attrs)
        self.help = help

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return record and (record[0], str(record[1]))  # click measures it as a str


def option(*param_decls: str, **attrs):
    """click.option for our commands: help=_l("...") is shown in the terminal's language."""
    return click.option(*param_decls, cls=Option, **attrs)


def confirm(question: str) -> None:
    """click.confirm(question, abort=True) wholly in the terminal's language. Click builds its "[y/N]" itself,
    outside its catalog, and takes only y/yes/n/no: a Chinese terminal showed an English hint, and 是 was
    "错误：输入无效". Here the hint is ours, and the language's own yes counts as well as y. Anything else,
    Enter included, is no (and "已中止！"): the question guards what cannot be undone."""
    hint = _("[y/N]")
    answer = click.prompt(f"{question} {hint}", default="", show_default=False)
    if answer.strip().lower() not in {"y", "yes", _("yes")}:
        raise click.Abort()
