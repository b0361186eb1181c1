"""The `flask` commands wholly in the terminal's language: click's own words ("Usage:", "Error:", "Missing
argument", the --help headings) and our --help texts too (portal/cli_language.py, portal/click_words.py)."""
from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

ROOT = Path(__file__).resolve().parent.parent
ZH = {"LANG": "zh_CN.UTF-8"}
EN = {"LANG": "en_US.UTF-8"}


def test_the_catalog_holds_exactly_clicks_words():
    """An upgrade of click that changes, adds or drops a word fails here: copy the difference into
    portal/click_words.py, run `make messages` and translate."""
    from portal.click_words import PLURALS, WORDS

    clicks = {m[2] for m in extract_from_dir(os.path.dirname(click.__file__), [("**.py", "python")],
                                             keywords={"_": None, "ngettext": (1, 2)})}
    ours = set(WORDS) | set(PLURALS)
    assert (sorted(clicks - ours, key=str), sorted(ours - clicks, key=str)) == ([], []), \
        "(click's words not in portal/click_words.py, words there that click no longer has)"


@pytest.mark.parametrize("environ", [
    {}, ZH, EN, {"LANG": "C.UTF-8"}, {"LANG": "zh_TW.UTF-8"}, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"},
    {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_GB.UTF-8"}, {"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"},
    {"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}, {"LANGUAGE": "fr", "LANG": "zh_CN.UTF-8"},
])
def test_click_and_our_messages_pick_the_same_language(monkeypatch, environ):
    """Click's words come from Python's gettext, ours from terminal_lang(): both read the same variables."""
    from portal.i18n import terminal_lang

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    found = gettext.find("messages", str(ROOT / "translations"))
    assert terminal_lang() == (Path(found).parent.parent.name if found else "en")


def test_a_missing_argument_is_told_in_the_terminals_language(app):
    runner = app.test_cli_runner()
    zh = runner.invoke(args=["plans", "import"], env=ZH)
    assert zh.exit_code == 2
    assert "用法：" in zh.output and "错误：缺少参数 'PATH'" in zh.output and "--help' 查看帮助。" in zh.output
    en = runner.invoke(args=["plans", "import"], env=EN)
    assert "Usage:" in en.output and "Error: Missing argument 'PATH'." in en.output and "' for help." in en.output
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.output)
    wrong = runner.invoke(args=["staff", "create", "bob", "--role", "boss"], env=ZH)
    assert "'--role' 的值无效：'boss' 不是" in wrong.output
    assert "没有选项 '--sulg'。" in runner.invoke(args=["plans", "import", "x", "--sulg", "y"], env=ZH).output


def _our_commands(group: click.Group, path=()):
    for name, command in group.commands.items():
        if not getattr(command.callback, "__module__", "portal").startswith("portal"):
            continue  # Flask-Migrate's `db`, Flask-Limiter's `limiter`: their words are theirs
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _our_commands(command, (*path, name))


def _help(app, path, environ) -> str:
    # `flask` hands a command over inside the app's context (FlaskGroup.get_command); the test runner does
    # not, and Flask-Babel answers in English without one. Wide, so that no help text is wrapped.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[*path, "--help"], env=environ, terminal_width=400,
                                              max_content_width=400)
    assert result.exit_code == 0, result.output
    return result.output


def _helps(command: click.Command):
    return [command.help, *(p.help for p in command.params if p.help is not None)]


def test_every_help_text_of_our_commands_is_shown_in_the_terminals_language(app):
    commands = list(_our_commands(app.cli))
    assert {("plans", "import"), ("plans", "check"), ("staff", "create"), ("backup",), ("restore",),
            ("load-content",), ("search", "build")} <= {path for path, _ in commands}
    for path, command in commands:
        helps = _helps(command)
        # A plain string would have been translated at import, before any terminal was known.
        assert all(isinstance(h, LazyString) for h in helps), f"{path}: help=_l(...) and portal.cli_language.option"
        zh, en = _help(app, path, ZH), _help(app, path, EN)
        with app.app_context(), force_locale("zh"):
            assert all(str(h) in zh for h in helps), (path, zh)
        with app.app_context(), force_locale("en"):
            assert all(str(h) in en and str(h) not in zh for h in helps), (path, en)
        # Not the --help line: click makes that option once per command and process, in the language of the
        # moment (a `flask` process has one terminal); the real command below shows it.
        assert "用法：" in zh and "选项" in zh and "Usage:" in en and "Options:" in en


def test_the_real_flask_command_speaks_chinese_in_a_chinese_terminal(tmp_path):
    """The same through `flask --app wsgi`, as town IT staff run it."""
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "PORTAL_INSTANCE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "plans", "import", "--help"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "用法：" in result.stdout and "把通知（.txt、.docx 或文字版 PDF）读入" in result.stdout
    assert "content/plans/ 下的文件夹名" in result.stdout and "[必填]" in result.stdout
    assert re.search(r"--help +显示此帮助信息并退出。", result.stdout), result.stdout
