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


def _expand_comparing_every_member(vocab: Vocabulary, text: str) -> list[str]:
    """expand() as it was first written: every member of every group compared with the query."""
    from portal.search.analysis import en_terms, normalize

    text = normalize(text)
    stems = " " + " ".join(en_terms(text)) + " "
    matched = [(group, vocab._span(m, text, stems), m) for group in vocab.groups
               for m in [next((m for m in group if vocab._matches(m, text, stems)), None)] if m is not None]
    extra: dict[str, None] = {}
    for group, span, member in matched:
        if span and any(o is not group and o_span and o_span != span and o_span[0] <= span[0]
                        and span[1] <= o_span[1] for o, o_span, _ in matched):
            continue
        extra.update((m.text, None) for m in group if m.text != member.text and m.text not in text)
    return list(extra)


_REAL = Vocabulary([tuple(g) for g in yaml.safe_load((CONTENT / "aliases.yaml").read_text(encoding="utf-8"))]
                   + load_thesaurus(CONTENT))
_WORDS = sorted({w for group in _REAL.groups for w in (m.text for m in group)})


@settings(max_examples=300, deadline=None)
@given(st.tuples(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=3)), min_size=1, max_size=4),
                 st.sampled_from(["", " "])).map(lambda parts: parts[1].join(parts[0])))
def test_expansion_looks_only_at_members_that_can_match_and_finds_the_same(text):
    """The index by first character or stem leaves nothing out (the real vocabulary, queries made of
    its words, fragments of them and anything else)."""
    assert _REAL.expand(text) == _expand_comparing_every_member(_REAL, text)
