"""Every UI message has a Chinese translation, and every source string is in the catalog."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _catalog(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def test_every_message_is_translated_to_chinese():
    missing = []
    for m in _catalog("zh"):
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings) or m.fuzzy:
            missing.append(m.id)
    assert missing == []


def test_catalog_covers_the_source(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_",
                    "-k", "N_plural:1,2", "-k", "count_words:1,2", "-k", "_l", "-o", str(pot), "--omit-header", "."], cwd=ROOT, check=True)
    with open(pot, "rb") as f:
        source = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("zh") if m.id}
    assert source - catalog == set(), "run `make update-messages` and translate the new strings"


def test_babel_gets_the_pages_language_as_a_locale_parsed_once(app):
    """The locale selector hands Flask-Babel Locale objects made at start-up (parsing a name per request
    asked the disk each time), and they are the page's language."""
    from flask_babel import get_locale

    from portal.i18n import LOCALES

    for path, headers, lang in (("/zh/", {}, "zh"), ("/en/", {}, "en"), ("/api/v1/items", {"Accept-Language": "en-GB"}, "en"),
                                ("/api/v1/items", {"Accept-Language": "zh-CN"}, "zh")):
        with app.test_request_context(path, headers=headers):
            app.preprocess_request()
            assert get_locale() is LOCALES[lang], path


def test_commands_follow_the_terminals_locale_as_unix_tools_do():
    from portal.i18n import terminal_lang

    assert terminal_lang({}) == "en"
    assert terminal_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert terminal_lang({"LANG": "C.UTF-8"}) == "en"
    assert terminal_lang({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}) == "en"
    assert terminal_lang({"LANG": "en_US.UTF-8", "LC_MESSAGES": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}) == "zh"
    assert terminal_lang({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}) == "zh"  # set but empty counts as unset
    # LANGUAGE comes first and is a list, as for Python's gettext (and so for click's own words).
    assert terminal_lang({"LANGUAGE": "en_GB:en", "LANG": "zh_CN.UTF-8"}) == "en"
    assert terminal_lang({"LANGUAGE": "fr:zh_CN:en", "LANG": "en_US.UTF-8"}) == "zh"
    assert terminal_lang({"LANGUAGE": "fr", "LANG": "zh_CN.UTF-8"}) == "en"  # none we have: gettext stops there


def test_counts_said_in_python_stay_with_their_words(app):
    """A limit's period ("Please wait 1 hour") and a staff notice ("3 comments published.") are put together in
    Python, not in a template: on a 360 px phone "1" ended one line and "hour" (or "小时") began the next."""
    from flask import g

    from portal.i18n import count_words, duration

    for lang, hour, minutes in (("en", "1\u00a0hour", "5\u00a0minutes"), ("zh", "1\u2060小时", "5\u2060分钟")):
        with app.test_request_context(f"/{lang}/"):
            g.lang = lang
            assert (duration(3600), duration(300)) == (hour, minutes)
    with app.test_request_context("/en/"):
        g.lang = "en"
        assert count_words("%(num)s comment published.", "%(num)s comments published.", 3) == "3\u00a0comments published."
