"""The `unbroken` filter (portal/templating.py): figures, dates and tracking codes kept on one line. It finds
them in text already escaped, so it must never cut an entity nor let markup through."""
from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.templating import unbroken

SPAN_RE = re.compile(r'<span class="nowrap">(.*?)</span>')
PIECES = st.sampled_from([*"0123456789,. 万平方米台个年月日ZJ-AQ<>&'\"#;x", "ZJ-7K3Q9M4XRT", "2023-06-21",
                          "2023年6月21日", "11万平方米", "&#39;", "&amp;", "<b>"])


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
