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


def test_a_count_written_against_its_chinese_word_stays_with_it(app):
    """Chinese writes "5项" with no space, and may break between any two characters: "5" could end a line
    and "项工作要点" start the next. A word joiner (U+2060: no width, no glyph) keeps them together; it
    also works in a title or an attribute, where a nowrap span could not go."""
    joiner = "\u2060"
    shown = _render(app, '{{ ngettext("Show %(num)d more loosely related work point", "Show %(num)d more loosely related work points", 5) }}', "zh")
    assert shown == f"再显示5{joiner}项关系较远的工作要点"
    assert _render(app, '{{ ngettext("%(num)d search", "%(num)d searches", 3) }}', "zh") == f"搜索3{joiner}次"
    # A figure put in with %s is kept only with a unit (figure_words): a name or a title before a character is not.
    assert _render(app, '{{ _("Plan %(year)s", year=2025) }}', "zh") == f"2025{joiner}年计划"
    assert _render(app, '{{ _("%(metric)s achieved (target: %(value)s %(unit)s)", metric="35", value=1, unit="台") }}',
                   "zh") == f"35实际完成（目标：1{joiner}台）"


def test_a_figure_stays_with_its_units_placeholder(app):
    """A target is said as "%(target)s %(unit)s" ("target 35 lifts", "目标35台"): the unit comes in a placeholder
    of its own, and the figure must stay with it as with a word written in the message."""
    source = '{{ _("%(metric)s: target %(target)s %(unit)s", metric="Lifts", target="35", unit=unit) }}'
    assert _render(app, source, "en", unit="lifts") == "Lifts: target 35\u00a0lifts"
    assert _render(app, source, "zh", unit="台") == "Lifts：目标35\u2060台"


def test_an_ordinal_keeps_its_number_and_measure_word(app):
    """ "第1.1项", "第 12 条留言", "第 2 页，共 3 页": Chinese breaks after "第" as anywhere, and a 360 px line ending
    in "第" (or "共") with "1.1项" on the next is misread. "第" and "共" before a placeholder stay with it, and the
    placeholder with the measure word after it: a word joiner where they touch, a no-break space where the
    message parts them by a space (the same gap as before)."""
    j, nbsp = "\u2060", "\u00a0"
    assert _render(app, '{{ _("%(year)s item %(code)s", year=2023, code="1.1") }}', "zh") == f"2023{j}年第{j}1.1{j}项"
    assert _render(app, '{{ _("Action area %(n)d", n=2) }}', "zh") == f"第{j}2{j}项行动"
    assert _render(app, '{{ _("Comment %(number)s", number=12) }}', "zh") == f"第{nbsp}12{nbsp}条留言"
    assert _render(app, '{{ _("Page %(page)s of %(pages)s.", page=2, pages=3) }}', "zh") == f"第{nbsp}2{nbsp}页，共{nbsp}3{nbsp}页。"
    assert _render(app, '{{ _("Outcome of work point %(code)s", code="1.1") }}', "zh") == f"第{j}1.1{j}项工作的完成情况"


def test_an_ordinal_said_in_python_keeps_its_number(app):
    """A staff notice put together in Python ("已记录第1.1项工作的完成情况。") is kept as the templates' messages."""
    from portal.i18n import kept_gettext

    with app.test_request_context("/zh/"):
        g.lang = "zh"
        assert kept_gettext("Outcome recorded for work point %(code)s.", code="1.1") == "已记录第\u20601.1\u2060项工作的完成情况。"
        assert kept_gettext("Comment %(number)s", number="<b>") == "第\u00a0<b>\u00a0条留言"  # plain text, not markup
