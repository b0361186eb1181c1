"""Analysis shortcuts must not change what is indexed: OpenCC is skipped only where it is a no-op,
and comments summarised per item still find the item by any word a resident wrote."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings, strategies as st

from portal.search.analysis import _opencc, normalize, zh_words
from portal.search.index import summarise_comments

CJK_AND_PUNCT = st.text(alphabet=st.sampled_from(
    [chr(c) for c in range(0x4E00, 0x4F00)] + list("覆瞭裝電車後於麼么反复，。；！？ ab")), max_size=40)


def _reference(text: str) -> str:
    text = _opencc().convert(unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", " ", text.lower()).strip()


@settings(max_examples=300, deadline=None)
@given(CJK_AND_PUNCT)
def test_skipping_opencc_never_changes_the_result(text):
    assert normalize(text) == _reference(text)


def test_known_traditional_forms_still_fold():
    assert normalize("加裝電梯，反覆") == "加装电梯,反复"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["楼下积水", "电梯什么时候装", "充电桩坏了", "垃圾房很臭", "bins are full"]),
                min_size=1, max_size=30))
def test_summary_keeps_every_word_once(comments):
    words, stems = summarise_comments(comments)
    expected = set(zh_words(" ".join(comments)))
    assert set(words.split()) == expected and len(words.split()) == len(expected)
    assert ("bin" in stems.split()) == any("bins" in c for c in comments)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("加装电梯老旧小区的了吗 ,。！AbC12充电桩張江鎮𠀋")), max_size=30) | st.text(max_size=30))
def test_a_querys_words_are_the_words_the_index_holds(text):
    """zh_words (a query's words, as plain strings) cuts and keeps exactly what JiebaTokenizer indexes."""
    from portal.search.analysis import JiebaTokenizer

    assert zh_words(text) == [t.text for t in JiebaTokenizer()(text)]
