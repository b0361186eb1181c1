"""Language handling: public pages live under /zh/ and /en/; staff pages follow a cookie; commands follow
the terminal's locale."""
from __future__ import annotations

import os
import re
from collections.abc import Mapping

from babel import Locale
from flask import g, request, url_for
from flask_babel import force_locale, get_translations, gettext
from werkzeug.routing import BaseConverter, Rule

from .chinese_script import script_of
from .figure_words import UNITS
from .han import HAN

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural for extraction (``make messages`` knows it as N_plural:1,2, and
    count_words below as count_words:1,2)."""
    return singular, plural


def duration(seconds: float) -> str:
    """A period as a limit's message tells it ("1 hour", "10 minutes"): whole hours when it is so, else
    minutes rounded up, so that a resident who waits that long is never refused again."""
    seconds = max(int(-(-seconds // 1)), 1)
    if seconds % 3600 == 0:
        return count_words("%(num)d hour", "%(num)d hours", seconds // 3600)
    return count_words("%(num)d minute", "%(num)d minutes", -(-seconds // 60))


def count_words(singular: str, plural: str, num: int, **variables) -> str:
    """ngettext for a count said in Python code and shown on a page ("1 hour", "3 comments published."),
    with the count kept with its word as templates keep theirs (counts_kept_with_their_words). Plain text:
    the no-break space and the word joiner are characters, not markup, so it also suits the API and feeds."""
    text = get_translations().ungettext(singular, plural, num)
    return counts_kept_with_their_words(text) % {"num": num, **variables}


# A count's placeholder: the number is given to ngettext as num, formatted with d, or a count formatted with d
# in a gettext message.
COUNT = r"%\(\w+\)d|%\(num\)s"
# A count and the space after it ("%(num)d work points", "%(num)d 项工作"), or a figure and the space before
# its unit's placeholder ("target %(target)s %(unit)s": "35 lifts").
COUNT_SPACE_RE = re.compile(rf"(?:{COUNT}) (?=[^\W\d_])|%\(\w+\)s (?=%\(unit\)s)")
# A figure written right against its Chinese word ("%(count)d项", "%(num)s条", "%(year)s年"): a count and the
# character after it, or any placeholder and a unit of figure_words after it (a %s figure: "%(total)s项"), or
# a figure and its unit's placeholder ("目标%(target)s%(unit)s").
# Chinese may break between any two characters, and a no-break space there would show as a gap.
FIGURE_AGAINST_WORD_RE = re.compile(rf"(?:{COUNT})(?=[{HAN}])|%\(\w+\)s(?=(?:{UNITS})|%\(unit\)s)")
# An ordinal or a total said around a placeholder ("第%(code)s项", "第 %(number)s 条留言", "共 %(pages)s 页"): "第"
# or "共", the figure and the measure word after it are one word, with or without the spaces a message puts
# between them (kept as no-break spaces: the same gap).
ORDINAL_RE = re.compile(rf"([第共])( ?)(%\(\w+\)[sd])( ?)(?=[{HAN}])")
# U+2060 WORD JOINER: no break on either side, no width, no glyph. Not the nowrap span that figures get in
# content (templating.kept_together): a catalogue message also lands in titles and attributes (a page's
# description), where a tag would show or break the markup.
WORD_JOINER = "\u2060"


def counts_kept_with_their_words(message: str) -> str:
    """`message` with each count kept with its word, so that on a narrow screen "30" never ends a line whose
    next starts with "work points" (or "项工作"): a no-break space after a count that a space parts from its
    word, a word joiner after a count written against its Chinese word. For messages shown in HTML. Done to
    the catalogue's message, not the page, so a figure inside a title or comment is left as written."""
    message = ORDINAL_RE.sub(_ordinal_kept, message)
    message = COUNT_SPACE_RE.sub(lambda m: m[0][:-1] + "\u00a0", message)
    return FIGURE_AGAINST_WORD_RE.sub(lambda m: m[0] + WORD_JOINER, message)


def _ordinal_kept(m: re.Match) -> str:
    word, before, figure, after = m.groups()
    return word + ("\u00a0" if before else WORD_JOINER) + figure + ("\u00a0" if after else WORD_JOINER)


def kept_gettext(message: str, **variables) -> str:
    """gettext for a message said in Python code and shown on a page (a staff notice, a page's name), with
    its counts and ordinals kept with their words as in templates ("已记录第1.1项…"). Plain text, as
    count_words."""
    text = counts_kept_with_their_words(get_translations().ugettext(message))
    return text % variables if variables else text


def select_locale() -> str:
    lang = g.get("lang")
    if lang in LANGS:
        return lang
    if not request:  # a `flask` command (or the server starting): no page, cookie or Accept-Language to go by
        return terminal_lang()
    # Errors raised before the view runs (CSRF, too large, 404) still answer in the page's language.
    prefix = request.path.split("/", 2)[1]
    if prefix in LANGS:
        return prefix
    cookie = request.cookies.get("lang")
    if cookie in LANGS:
        return cookie
    return best_lang()


# Parsed once: Flask-Babel parses whatever the selector returns, and parsing a name asks the disk
# whether Babel has data for it, on every request.
LOCALES = {lang: Locale.parse(lang) for lang in LANGS}


def babel_locale() -> Locale:
    """Flask-Babel's locale selector: select_locale() as a Locale."""
    return LOCALES[select_locale()]


def best_lang() -> str:
    match = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"], default=DEFAULT_LANG)
    return "en" if match and match.startswith("en") else "zh"


def terminal_lang(environ: Mapping[str, str] = os.environ) -> str:
    """The language of the terminal, found as Python's gettext module finds it, which is how click picks
    its own words ("Usage:", "Error:"), so that both agree: the first of LANGUAGE, LC_ALL, LC_MESSAGES,
    LANG that is set, read as a list of preferences ("fr:zh_CN:en") up to the first we have or "C".
    English unless it says Chinese: an unset or "C" locale is a server or a script, whose logs are read
    alongside English tracebacks."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            for wanted in environ[name].split(":"):
                if wanted.startswith("zh"):
                    return "zh"
                if wanted.startswith("en") or wanted.partition(".")[0] in ("C", "POSIX"):
                    return "en"
            return "en"
    return "en"


def current_lang() -> str:
    return g.get("lang") or select_locale()


# A Han character is about a syllable, as a short English word is: counting Latin letters instead would let one
# "APP" in a Chinese sentence outweigh half of it.
HAN_RE = re.compile(f"[{HAN}]")
LATIN_WORD_RE = re.compile("[A-Za-z\u00c0-\u024f]+")


def language_of(text: str | None) -> str | None:
    """The language tag of what a resident or staff member wrote, for its `lang` attribute: Chinese when at
    least three quarters of it (Han characters against Latin words) is Chinese, "en" when as much is English,
    None when it is mixed or has neither (then the page's language stands). Chinese is "zh-Hans" or
    "zh-Hant" when its characters tell the script (chinese_script.py), else plain "zh": a wrong script
    would have it read with the wrong voice, an unknown one leaves that to the reader's settings."""
    han = len(HAN_RE.findall(text or ""))
    latin = len(LATIN_WORD_RE.findall(text or ""))
    if han >= 3 * latin and han:
        script = script_of(text)
        return f"zh-{script}" if script else "zh"
    if latin >= 3 * han and latin:
        return "en"
    return None


def both(message: str) -> dict[str, str]:
    """A UI message in both languages, for the API and feeds that carry zh and en side by side."""
    out = {}
    for lang in LANGS:
        with force_locale(lang):
            out[lang] = gettext(message)
    return out


def localized(record, field: str, lang: str | None = None) -> str:
    """What staff typed in both languages (``<field>_zh``, optional ``<field>_en``) in the page's language:
    English where there is English, else Chinese. The one rule for it, also a Jinja filter
    (``site|localized('name')``). ``record`` is an object or a mapping."""
    def get(name):
        return record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)

    english = get(f"{field}_en") if (lang or current_lang()) == "en" else None
    return english or get(f"{field}_zh") or ""


def url_in(lang: str, external: bool = False) -> str:
    """The current page in another language, keeping its query string (absolute if `external`)."""
    if request.endpoint and g.get("lang"):
        from .page_address import this_page

        return this_page(lang=lang, _external=external)
    from .page_address import absolute_url

    home = url_for("public.home", lang=lang)
    return absolute_url(home) if external else home


class LangConverter(BaseConverter):
    regex = "|".join(LANGS)


class LangRule(Rule):
    """A rule whose `<lang>` matches a language only. With any word allowed, /robots.txt or /wp-login.php
    matched the home page's rule /<lang>/ and answered a 308 to /robots.txt/ before the 404; now an
    address that is no page in any language is a plain 404 (in the reader's language, errors.py)."""

    def get_converter(self, variable_name, converter_name, args, kwargs):
        if variable_name == "lang" and converter_name == "default":
            return LangConverter(self.map, *args, **kwargs)
        return super().get_converter(variable_name, converter_name, args, kwargs)


def lang_in_urls(bp) -> None:
    """A blueprint whose addresses start with /<lang>/: the language goes to g.lang (an unknown one is a
    404), and url_for inside a page keeps the page's language unless told otherwise."""
    from flask import abort, current_app

    @bp.url_value_preprocessor
    def _pull_lang(_endpoint, values):
        if values is not None and "lang" in values:
            lang = values.pop("lang")
            if lang not in LANGS:
                abort(404)
            g.lang = lang

    @bp.url_defaults
    def _add_lang(endpoint, values):
        if "lang" not in values and g.get("lang") and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang
