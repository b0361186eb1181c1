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
    assert _render(app, '{{ ngettext("%(num)d point", "%(num)d points", 2) }}') == "2\u00a0points"  # below


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


def test_a_count_keeps_the_word_after_it_on_its_line_in_html(app):
    """ "30" at the end of a 360 px line and "work points" on the next reads as two things: in HTML the
    placeholder of a count is joined to its word by a no-break space, in both languages."""
    nbsp = "\u00a0"
    assert _render(app, '{{ ngettext("%(num)d point", "%(num)d points", 30) }}') == f"30{nbsp}points"
    assert _render(app, '{{ _("%(num)s of %(total)d work points", num=3, total=30) }}') == f"3{nbsp}of 30{nbsp}work points"
    assert _render(app, '{{ _("Plan %(year)s: %(title)s", year=2023, title="11 lifts") }}') == "Plan 2023: 11 lifts"
