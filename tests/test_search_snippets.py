"""Snippets start and end at word boundaries in English and at punctuation in Chinese (issue 18.4)."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings, strategies as st

from portal.search.snippets import ZH_STOPS, snippet
from portal.content.store import Text

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
CLAUSES = st.text(alphabet="加装电梯充电垃圾分类违法建筑桥梁道路村居委", min_size=1, max_size=40)


def _item(zh: str, en: str):
    return SimpleNamespace(summary=Text(zh, en), official_text=zh)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=80), st.data())
def test_english_snippets_never_cut_a_word(words, data):
    text = " ".join(words)
    term = data.draw(st.sampled_from(words))
    shown = snippet(_item("中文", text), [term], "en").striptags().strip("…")
    assert shown, text
    assert text.startswith(shown) or f" {shown}" in text  # starts where a word starts
    assert text.endswith(shown) or f"{shown} " in text  # ends where a word ends


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(CLAUSES, st.sampled_from("，。；")), min_size=1, max_size=12), st.data())
def test_chinese_snippets_start_and_end_at_punctuation(clauses, data):
    text = "".join(c + p for c, p in clauses)
    term = data.draw(st.sampled_from([c for c, _ in clauses]))[:2]
    shown = snippet(_item(text, "x"), [term], "zh").striptags()
    body = shown.removeprefix("…").removesuffix("…")
    start = text.find(body)
    assert start >= 0
    assert start == 0 or text[start - 1] in ZH_STOPS
    assert start + len(body) == len(text) or body[-1] in ZH_STOPS
    assert term in body


def test_the_matched_words_are_marked_and_the_passage_is_short():
    zh = "第一句话没有关系。" * 6 + "这里是加装电梯的内容，说明很长很长。" + "后面的话。" * 10
    shown = snippet(_item(zh, "x"), ["加装电梯"], "zh")
    assert "<mark>加装电梯</mark>" in shown
    assert len(shown.striptags()) <= 100


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab<&加梯 ", max_size=40), st.lists(st.text(alphabet="ab<&加梯", min_size=1, max_size=3), max_size=4))
def test_marks_are_those_a_pattern_search_finds(piece, terms):
    import re

    from markupsafe import Markup, escape

    from portal.search.snippets import _marked

    # The marking as first written, with one regular expression per term.
    spans = sorted((m.start(), m.end()) for t in terms for m in re.finditer(re.escape(t), piece))
    merged: list[list[int]] = []
    for start, end in spans:
        if not merged or start > merged[-1][1]:
            merged.append([start, end])
        merged[-1][1] = max(merged[-1][1], end)
    expected, i = Markup(""), 0
    for start, end in merged:
        expected += escape(piece[i:start]) + Markup("<mark>") + escape(piece[start:end]) + Markup("</mark>")
        i = end
    assert _marked(piece, piece, terms) == expected + escape(piece[i:])


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab ，。加梯", max_size=120), st.data())
def test_window_is_the_one_first_written(text, data):
    """window() finds its boundaries by bisection; the rule as first written, with a list per step."""
    from portal.search.snippets import boundaries, window

    first = data.draw(st.integers(0, len(text)))
    last = data.draw(st.integers(first, len(text) + 5))
    width = data.draw(st.sampled_from([4, 10, 90]))
    cuts = boundaries(text)
    before = [b for b in cuts if b <= first]
    near = [b for b in before if first - b <= width // 2]
    start = near[0] if near else before[-1]
    after = [b for b in cuts if b > start and b >= min(last, len(text))]
    if not after:  # only when the text is empty: nothing to show either way
        return
    fits = [b for b in after if b - start <= width]
    assert window(text, first, last, width) == (start, fits[-1] if fits else after[0])


def test_a_mark_that_cuts_a_figure_keeps_the_figure_on_one_line():
    """A search for 12 marks "12" in "12月": the mark ended the line's text at "12" and "月" could start the next."""
    from portal.search.snippets import _marked

    assert _marked("12月底前完成", "12月底前完成", ["12"]) == '<span class="nowrap"><mark>12</mark>月</span>底前完成'
    assert _marked("2023年6月21日起", "2023年6月21日起", ["6", "21"]) == (
        '<span class="nowrap">2023年<mark>6</mark>月<mark>21</mark>日</span>起')
    assert _marked("完成30 项&", "完成30 项&", ["完成"]) == '<mark>完成</mark><span class="nowrap">30 项</span>&amp;'


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="12 月日年号楼项<&加", max_size=30), st.lists(st.text(alphabet="12月号加", min_size=1, max_size=3),
                                                                   max_size=3))
def test_every_figure_is_inside_one_unbroken_stretch_and_the_text_comes_back(piece, terms):
    import html
    import re

    from portal.search.snippets import _marked
    from portal.templating import ONE_WORD

    shown = _marked(piece, piece, terms)
    assert html.unescape(re.sub(r"<[^>]*>", "", shown)) == piece
    # Figures whole inside a span that does not wrap: the span's text, tags taken out, holds each of them.
    kept = [html.unescape(re.sub(r"</?mark>", "", s)) for s in re.findall(r'<span class="nowrap">(.*?)</span>', shown)]
    for m in ONE_WORD.finditer(piece):
        assert any(m.group() in k for k in kept), (m.group(), shown)
