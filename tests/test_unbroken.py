"""The `unbroken` filter (portal/templating.py): figures, dates and tracking codes kept on one line. It finds
them in text already escaped, so it must never cut an entity nor let markup through."""
from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.templating import unbroken

SPAN_RE = re.compile(r'<span class="nowrap">(.*?)</span>')
PIECES = st.sampled_from([*"0123456789,. 万平方米台个年月日号楼项ZJ-AQ<>&'\"#;x", "ZJ-7K3Q9M4XRT", "2023-06-21",
                          "2023年6月21日", "11万平方米", "3号楼", "30 项", "&#39;", "&amp;", "<b>"])


@settings(max_examples=300)
@given(text=st.lists(PIECES, max_size=25).map("".join))
def test_the_text_comes_back_whole_escaped_with_only_its_own_spans(text):
    shown = str(unbroken(text))
    inside = SPAN_RE.sub(r"\1", shown)
    assert "<" not in inside and ">" not in inside  # nothing but the spans is markup
    assert html.unescape(inside) == text


def test_figures_dates_and_codes_are_each_one_span():
    shown = str(unbroken("改造11万平方米，35台；2023年6月21日起，追踪码ZJ-7K3Q9M4XRT & <b>"))
    assert SPAN_RE.findall(shown) == ["11万平方米", "35台", "2023年6月21日", "ZJ-7K3Q9M4XRT"]
    assert shown.endswith("&amp; &lt;b&gt;")


def test_a_number_keeps_its_measure_word():
    """A count or a building number is one word too: "30" at the end of a line and "项" on the next is misread."""
    shown = str(unbroken("完成30 项，3号楼和5号楼共25 台，用时3个月，12月底前；15分钟生活圈"))
    assert SPAN_RE.findall(shown) == ["30 项", "3号楼", "5号楼", "25 台", "3个月", "12月", "15分钟"]
    assert SPAN_RE.findall(str(unbroken("2023年城市管理，6月21日起"))) == ["2023年", "6月21日"]


def test_an_english_count_keeps_its_noun():
    """English breaks at spaces only: "35" ending a line and "lifts" starting the next is misread the same way.
    The nouns the content counts are kept with their figure; any other word after a figure is left alone."""
    shown = str(unbroken("Residents consulted on 35 lifts, work started on 25 and 1 estate of 6 estates; 3.1 km "
                         "and 110,000 square metres in the 2023 work points; 35 liftsX"))
    assert SPAN_RE.findall(shown) == ["35 lifts", "1 estate", "6 estates", "3.1 km", "110,000 square metres"]


def test_an_english_count_keeps_the_word_after_it_when_a_counted_noun_follows():
    """ "23 older estates": an adjective between the count and its noun. "23" ending a line and "older estates"
    starting the next is the same misreading; the count is kept with the next word ("23 older"), which is as
    much as a 360 px line in care mode can always hold (a whole "3 shared e-bike charging places" would not). A
    year before a counted noun is a name, not a count ("the 2023 work points"), and is left alone."""
    shown = str(unbroken("built in 23 older residential estates and 23 older estates, 10 grid modules, 30 work "
                         "points at 3 shared e-bike charging places; 1 model public area; the 2023 work points; "
                         "25 and 1 estate; 2 gap-filling and 4 upgrade projects; 5 Neighbourhood Committees"))
    assert SPAN_RE.findall(shown) == ["23 older", "23 older", "10 grid", "30 work", "3 shared", "1 model",
                                      "1 estate", "4 upgrade"]


def test_an_items_plain_words_keep_their_figures(client):
    """The plain-language summary is where most of the counts are read ("23 older residential estates",
    "在23个老旧小区"); it went to the page as written."""
    en = client.get("/en/plans/2023-city-management/items/5.1.3").data.decode()
    assert 'upgraded in <span class="nowrap">23 older</span> residential estates' in en
    zh = client.get("/zh/plans/2023-city-management/items/5.1.3").data.decode()
    assert '在<span class="nowrap">23个</span>老旧小区' in zh
