"""Query expansion: other names for a programme (content/aliases.yaml) and residents' everyday words
for the problem it answers (content/thesaurus.yaml, each group with its source).

A Chinese word of a group counts when the query contains it (segmenters cut colloquial phrases in
unpredictable places, 桥快塌了 → 桥/快/塌); an English word or phrase counts when its stems occur in a
row among the query's stems, so "bins" finds the group of "bin" and "potholes" that of "pothole".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError, field_validator

from .. import yaml_text
from ..content.store import ContentError
from .analysis import HAS_CJK_RE, en_terms, normalize

THESAURUS_FILE = "thesaurus.yaml"
T = TypeVar("T")


class ThesaurusGroup(BaseModel):
    source: str
    words: list[str]

    @field_validator("words")
    @classmethod
    def _two_or_more(cls, words: list[str]) -> list[str]:
        if len({normalize(w) for w in words}) < 2:
            raise ValueError("a group needs two or more different words")
        return words


def load_thesaurus(content_dir: str | Path) -> list[tuple[str, ...]]:
    path = Path(content_dir) / THESAURUS_FILE
    if not path.exists():
        return []
    try:
        raw = yaml_text.load(path.read_text(encoding="utf-8")) or []
        if not isinstance(raw, list):
            raise ContentError(f"content/{THESAURUS_FILE}: (top level): expected a list of groups")
        groups = []
        for n, group in enumerate(raw):
            try:
                groups.append(tuple(ThesaurusGroup.model_validate(group).words))
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(map(str, (n, *err["loc"])))
                raise ContentError(f"content/{THESAURUS_FILE}: {where}: {err['msg']}") from exc
        return groups
    except yaml.YAMLError as exc:
        raise ContentError(f"content/{THESAURUS_FILE}: not valid YAML: {exc}") from exc


@dataclass(frozen=True)
class Member:
    text: str  # normalised
    stems: str  # " stem stem " for English members, "" for Chinese ones


def _member(word: str) -> Member:
    text = normalize(word)
    if HAS_CJK_RE.search(text):
        return Member(text, "")
    return Member(text, " " + " ".join(en_terms(text)) + " ")


def _needs(member: Member) -> str | None:
    """What a query must hold for `member` to match it: its first character, or its first stem."""
    if member.stems:
        stems = member.stems.split()
        return f"en:{stems[0]}" if stems else None
    return f"zh:{member.text[0]}" if member.text else None


class Vocabulary:
    """Groups of interchangeable words; expand() lists what a query should also look for."""

    def __init__(self, groups: list[tuple[str, ...]]):
        self.groups = [tuple(_member(w) for w in group) for group in groups]
        self._analysed: dict[str, object] = {}
        # (group, member) numbers by what a query needs to hold for them: a query is compared with
        # the few members that can match it, not with all six hundred.
        self._by_need: dict[str, list[tuple[int, int]]] = {}
        for g, group in enumerate(self.groups):
            for n, member in enumerate(group):
                if (need := _needs(member)) is not None:
                    self._by_need.setdefault(need, []).append((g, n))

    def analysed(self, word: str, analyse: Callable[[str], T]) -> T:
        """`analyse(word)` for one of the vocabulary's words, worked out once: every query that
        touches a group looks up the same words again (jieba and the stemmer, for each of them)."""
        found = self._analysed.get(word)
        if found is None:
            found = self._analysed[word] = analyse(word)
        return found

    def expand(self, text: str) -> list[str]:
        text = normalize(text)
        stems = " " + " ".join(en_terms(text)) + " "
        matched = [(self.groups[g], self._span(m, text, stems), m) for g, m in self._first_matches(text, stems)]
        extra: dict[str, None] = {}
        for group, span, member in matched:
            # 租房 inside 出租房: a Chinese word found only inside a longer word of another group is
            # not what the resident wrote (the longer word is), so its group stays out.
            if span and any(o is not group and o_span and o_span != span and o_span[0] <= span[0]
                            and span[1] <= o_span[1] for o, o_span, _ in matched):
                continue
            extra.update((m.text, None) for m in group if m.text != member.text and m.text not in text)
        return list(extra)

    def _first_matches(self, text: str, stems: str) -> list[tuple[int, Member]]:
        """Each group the query touches, in order, with its first member that matches."""
        needs = {f"zh:{ch}" for ch in text} | {f"en:{stem}" for stem in stems.split()}
        first: dict[int, Member] = {}
        for g, n in sorted(pair for need in needs for pair in self._by_need.get(need, ())):
            if g not in first and self._matches(self.groups[g][n], text, stems):
                first[g] = self.groups[g][n]
        return sorted(first.items())

    @staticmethod
    def _span(member: Member, text: str, stems: str) -> tuple[int, int] | None:
        if member.stems:
            return None
        start = text.find(member.text)
        return start, start + len(member.text)

    @staticmethod
    def _matches(member: Member, text: str, stems: str) -> bool:
        if member.stems:
            return member.stems.strip() != "" and member.stems in stems
        return member.text in text

    def words(self) -> list[str]:
        return [m.text for group in self.groups for m in group]
