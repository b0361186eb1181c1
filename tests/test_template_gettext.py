"""Templates' gettext (portal/template_gettext.py) behaves as Jinja's newstyle gettext: every message is
%-formatted with its keyword arguments, which are escaped, and "%%" is a percent sign."""
from __future__ import annotations

from flask import g, render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup


def _render(app, source: str, lang: str = "en", **context) -> str:
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        return render_template_string(source, **context)


def test_messages_are_translated_formatted_and_escaped(app):
    assert _render(app, '{{ _("Search") }}', "zh") == "搜索"
    assert _render(app, '{{ _("Search: %(q)s", q=q) }}', q="<b>lift</b>") == "Search: &lt;b&gt;lift&lt;/b&gt;"
    assert _render(app, '{{ _("100%% of %(n)s", n=3) }}') == "100% of 3"
    assert _render(app, '{{ _("100%% done") }}') == "100% done"  # no variables, still formatted
    assert _render(app, '{{ ngettext("%(num)d point", "%(num)d points", 2) }}') == "2 points"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from("ab%<&(){}s "), min_size=1))
def test_same_as_jinjas_newstyle_gettext(app, message):
    """Whatever the message (percent signs, markup characters), the same text as formatting it always
    (a catalogue message is trusted markup, as in Jinja)."""
    try:
        expected = str(Markup(message) % {})
    except (KeyError, TypeError, ValueError) as exc:
        expected = type(exc)
    try:
        found = _render(app, "{{ _(message) }}", message=message)
    except (KeyError, TypeError, ValueError) as exc:
        found = type(exc)
    assert found == expected
