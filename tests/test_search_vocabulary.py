"""Everyday words (issue 18.1): the thesaurus file, its sources, and how expansion matches words."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from portal.content.store import ContentError
from portal.search.vocabulary import Vocabulary, load_thesaurus

CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_every_thesaurus_group_names_its_source():
    groups = yaml.safe_load((CONTENT / "thesaurus.yaml").read_text(encoding="utf-8"))
    assert len(groups) >= 20
    for group in groups:
        assert group["source"].split()[0].rstrip(";") in {"cilin", "residents", "notice", "glossary"}, group
    assert load_thesaurus(CONTENT)


@pytest.mark.parametrize("text, message", [
    ("- {source: x, words: [only]}\n", "0.words"),
    ("- {words: [a, b]}\n", "0.source"),
    ("words: [a, b]\n", "top level"),
])
def test_a_broken_thesaurus_names_the_file_and_field(tmp_path, text, message):
    (tmp_path / "thesaurus.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=rf"content/thesaurus\.yaml: .*{message}"):
        load_thesaurus(tmp_path)


def test_english_members_match_by_stem_and_whole_words():
    vocab = Vocabulary([("pothole", "农村公路"), ("bin", "垃圾分类"), ("cat", "猫")])
    assert "农村公路" in vocab.expand("Potholes everywhere")
    assert "垃圾分类" in vocab.expand("smelly bins")
    assert vocab.expand("cabinet") == [] and vocab.expand("category") == []


def test_chinese_members_match_inside_a_phrase():
    vocab = Vocabulary([("坑洼", "农村公路"), ("带娃", "托育点")])
    assert vocab.expand("村口的路坑坑洼洼") == ["农村公路"]
    assert vocab.expand("带娃的地方") == ["托育点"]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60))
def test_expansion_never_fails_and_never_repeats_what_was_typed(text):
    vocab = Vocabulary(load_thesaurus(CONTENT))
    extra = vocab.expand(text)
    assert len(extra) == len(set(extra))


def test_a_word_inside_a_longer_word_of_another_group_does_not_expand():
    vocab = Vocabulary([("租房", "公租房"), ("出租房", "自建出租房"), ("安全", "消防")])
    assert vocab.expand("出租房安全") == ["自建出租房", "消防"]
    assert vocab.expand("租房") == ["公租房"]
