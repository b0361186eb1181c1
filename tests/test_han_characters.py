"""One definition of a Chinese character (portal.han) serves language detection, search, the content checks and
the notice cleaner, so a rare character in a name (𠀋, Extension B; 𱍐, Extension H) counts as Chinese in each."""
from __future__ import annotations

import pytest

from portal.content.normalize import normalise
from portal.content.schema import CJK_RE
from portal.i18n import language_of
from portal.search.analysis import bigrams, zh_words
from portal.search.query import clean

RARE = ["𠀋", "𱍐"]  # U+2000B (Extension B), U+31350 (Extension H)


@pytest.mark.parametrize("char", RARE)
def test_a_rare_character_is_chinese_to_language_detection(char):
    # Chinese, its script untold (portal/chinese_script.py): plain "zh", and never None or "en".
    assert language_of(char * 3) == "zh"


@pytest.mark.parametrize("char", RARE)
def test_a_rare_character_in_a_name_is_indexed_and_searched(char):
    # Before: 𠀋 fell outside the analyzer's range, so "𠀋家宅" was indexed as 家宅 alone and a search for the
    # name found every 家宅 and never the name itself.
    assert f"{char}家" in bigrams(f"{char}家宅路")
    assert char in zh_words(f"张江镇{char}家宅路")
    assert clean(f"{char} 家宅") == f"{char}家宅"


def test_the_yijing_hexagrams_are_not_characters():
    assert bigrams("䷀䷁") == [] and language_of("䷀䷁䷂") is None


@pytest.mark.parametrize("text", ["𠀋 Lane", "Lane，east"])
def test_english_content_with_a_chinese_character_or_punctuation_is_refused(text):
    assert CJK_RE.search(text)


def test_a_notice_typeset_with_a_rare_character_loses_its_stray_spaces():
    assert normalise("2024 年 𠀋家宅完成改造。") == "2024年𠀋家宅完成改造。\n"
