"""gettext for templates, bound to the request's catalogue once per render.

Flask-Babel's template functions look the catalogue up through the request context on every call,
and a page makes dozens of calls: that look-up was about a fifth of rendering a page. Jinja's i18n
extension resolves `gettext`/`ngettext` (and `_`) from the template context first, so a context
processor that hands out functions already bound to this request's catalogue replaces it. The
functions behave like Jinja's "newstyle" gettext: the message is always %-formatted with the
keyword arguments, and escaped when autoescaping is on. In HTML a count's placeholder is joined to the
word after it by a no-break space (i18n.counts_kept_with_their_words).
"""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from .i18n import counts_kept_with_their_words

KEY = "portal.template_gettext"


def _bind(translations) -> dict:
    lookup, plural = translations.ugettext, translations.ungettext

    shown: dict[str, Markup] = {}  # catalogue message -> as HTML shows it (counts_kept_with_their_words)

    def in_html(text: str) -> Markup:
        # A catalogue message, as Jinja's own newstyle gettext, kept: the catalogue's messages are a bounded set.
        found = shown.get(text)
        if found is None:
            found = shown[text] = Markup(counts_kept_with_their_words(text) if "%(" in text else text)  # nosec B704
        return found

    @pass_context
    def gettext(context, message: str, **variables):
        text = lookup(message)
        if context.eval_ctx.autoescape:
            text = in_html(text)
        # Formatting a message with no placeholder changes nothing (most of a page's messages), and
        # Markup's % escapes its arguments, the dearest step here; "%%" still goes through it.
        return text % variables if variables or "%" in text else text

    @pass_context
    def ngettext(context, singular: str, plural_form: str, num: int, **variables):
        variables.setdefault("num", num)
        text = plural(singular, plural_form, num)
        if context.eval_ctx.autoescape:
            text = in_html(text)
        return text % variables

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def bound_gettext() -> dict:
    # One set of functions per locale (there are two), made on first use and kept. Keyed on the locale
    # rather than on get_translations(), which builds the catalogue's name from the locale on every
    # render (about 40 Python calls a page); the catalogue is Flask-Babel's for that locale in the
    # app's one domain, and force_locale (mails, the API's errors) gives a locale of its own.
    locale = get_locale()
    bound = current_app.extensions[KEY]
    callables = bound.get(locale)
    if callables is None:
        callables = bound[locale] = _bind(get_translations())
    return callables


def init_app(app: Flask) -> None:
    app.extensions[KEY] = {}
    app.context_processor(bound_gettext)
