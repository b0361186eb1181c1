"""From what a resident typed to ranked work points: normalise, expand aliases, OR the terms."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from whoosh.reading import ReaderClosed

from ..extensions import db
from ..han import HAN
from ..services.content import registry
from . import ranking
from .analysis import LATIN_WORD_RE, bigrams, en_terms, normalize, zh_words
from .index import refresh_if_stale, repair_if_damaged, split_key
from .ranking import Clause, Generation
from .snippets import snippet

log = logging.getLogger(__name__)
MAX_QUERY = 200
# Hits scoring under this share of the best hit are listed only on request ("more results").
TAIL_RATIO = 0.3
# A word that residents used about more than this share of all work points says little about any one
# of them (BM25 gives it almost no weight) and costs the most to score: its comment clause is dropped.
COMMON_IN_COMMENTS = 0.2
FILTERS = ("plan", "area", "office", "month", "status", "place")


class QueryError(ValueError):
    """The query cannot be searched (empty, too long, or nothing searchable in it)."""


class SearchUnavailable(Exception):
    """The index cannot be read and the disk refuses to hold a rebuilt one (read-only, full): a 503."""


@dataclass
class Hit:
    code: str
    score: float
    item: object
    snippet: Markup
    status: str = ""  # as the index holds it (a status code, or "no_report")


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    near: bool = False  # nothing matched the words: these hits share characters with the query
    more: int = 0  # weaker hits left out; the page offers them behind a "more results" link


@dataclass(frozen=True)
class Terms:
    """What a query looks up for some words: jieba words, English stems, the English words to mark,
    and the words themselves when they are a work point's number."""
    zh: tuple[str, ...]
    en: tuple[str, ...]
    latin: tuple[str, ...]
    code: str | None


def analyse(words: str) -> Terms:
    latin = tuple(LATIN_WORD_RE.findall(words))
    return Terms(tuple(dict.fromkeys(zh_words(words))), tuple(dict.fromkeys(en_terms(" ".join(latin)))), latin,
                 words.strip() if re.fullmatch(r"\d+(\.\d+)*", words.strip()) else None)


_SPACE_IN_CJK_RE = re.compile(f"(?<=[{HAN}]) (?=[{HAN}])")
_NOT_A_WORD_RE = re.compile(rf"[^\w\s.%{HAN}-]")


def clean(raw: str | None) -> str:
    # Chinese is written without spaces, so a space between two characters is a slip of the thumb
    # ("加 梯"); joining them lets the segmenter see the word. Punctuation still separates words.
    text = _SPACE_IN_CJK_RE.sub("", normalize(raw or ""))
    # Query syntax and punctuation have no meaning here: keep letters, digits and spaces, and every Han
    # character by name (Python's \w knows only the Unicode version it was built with).
    text = _NOT_A_WORD_RE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def expand(text: str) -> list[str]:
    """Words of the alias and thesaurus groups the query touches (portal/search/vocabulary.py); build_query
    asks here, so that bench/ablation.py can switch expansion off."""
    return current_app.extensions["search_vocabulary"].expand(text)


def build_query(text: str) -> tuple[list[Clause], list[str]]:
    """An OR of every term in every field, as (field, term, boost) clauses; alias expansions count a
    little less than typed words.

    A term that several aliases share (电梯 in 加装电梯, 装电梯, 老楼电梯…) becomes one clause with the
    boosts added: the same score as repeating it, but its postings are read once. That is most of
    the work on a large index, where every clause scores every document it matches.
    """
    vocabulary = current_app.extensions["search_vocabulary"]
    typed = analyse(text)
    # Comments are searched for the words the resident typed, not for every synonym of them. An alias's
    # clauses depend on the alias alone: worked out once per word of the vocabulary, as its analysis was.
    parts = [(_weighted(typed, 1.0, typed=True), _shown(typed))]
    parts += [vocabulary.analysed(alias, _alias_part) for alias in expand(text)]
    boosts: dict[tuple[str, str], float] = {}
    shown: list[str] = []
    for weighted, words in parts:
        for key, boost in weighted:
            boosts[key] = boosts.get(key, 0.0) + boost
        shown.extend(words)
    return [(fname, term, boost) for (fname, term), boost in boosts.items()], list(dict.fromkeys(s for s in shown if s))


def _weighted(terms: Terms, boost: float, typed: bool) -> list[tuple[tuple[str, str], float]]:
    """((field, term), boost) for each term in each field it is looked up in."""
    zh_fields = ("title_zh", "zh", "comments_zh") if typed else ("title_zh", "zh")
    en_fields = ("title_en", "en", "comments_en") if typed else ("title_en", "en")
    # Character bigrams join only the fallback query (when the words find nothing): on a large
    # index they were a third of all postings read per query, for the weakest signal.
    weighted = [((fname, term), boost) for term in terms.zh for fname in zh_fields]
    weighted += [((fname, term), boost) for term in terms.en for fname in en_fields]
    if terms.code:
        weighted.append((("code_text", terms.code), 5.0))
    return weighted


def _shown(terms: Terms) -> list[str]:
    return [*terms.zh, *terms.latin]


def _alias_part(alias: str) -> tuple[list[tuple[tuple[str, str], float]], list[str]]:
    terms = analyse(alias)
    return _weighted(terms, 0.7, typed=False), [*_shown(terms), alias]


def fallback_query(text: str) -> list[Clause]:
    """Near matches: the typed text's character bigrams, for words neither jieba nor the thesaurus know."""
    return [(fname, gram, 1.0) for gram in dict.fromkeys(bigrams(text)) for fname in ("title_bg", "zh_bg")]


def cut_tail(scores: list[float], ratio: float | None = None) -> int:
    """How many of the ranked hits to show: those scoring at least `ratio` of the best one.

    BM25 scores of one query are comparable with each other, not across queries, so the cut is
    relative: a precise query (违建) keeps its few strong hits, a vague one keeps more.
    """
    if not scores:
        return 0
    floor = scores[0] * (TAIL_RATIO if ratio is None else ratio)
    return sum(1 for s in scores if s >= floor)


# Filter name -> the index field it narrows.
FILTER_FIELDS = {"plan": "plan", "area": "section", "office": "offices", "month": "month", "place": "places",
                 "status": "status"}


def _filter_terms(filters: dict[str, str]) -> list[tuple[str, str]]:
    return [(FILTER_FIELDS[name], str(filters[name])) for name in FILTERS if filters.get(name)]


def search(raw: str | None, lang: str = "zh", filters: dict[str, str] | None = None, limit: int = 30,
           more: bool = False) -> Results:
    """Ranked work points for what a resident typed. `more` lists the weak tail too."""
    filters = {k: v for k, v in (filters or {}).items() if k in FILTERS and v}
    if raw is not None and len(raw) > MAX_QUERY:
        raise QueryError("too_long")
    text = clean(raw)
    if not text:
        if raw and raw.strip():
            raise QueryError("nothing_searchable")
        if not filters:
            raise QueryError("empty")
    _keep_current()
    try:
        return _run(text, lang, filters, limit, more)
    except Exception:
        # A damaged segment may only show when it is read; repair and answer instead of failing. Retry
        # even when the index now reads well: another worker may have swapped in a rebuild meanwhile.
        # A bug fails the second time too and surfaces.
        try:
            repair_if_damaged()
        except OSError as exc:
            raise SearchUnavailable() from exc
        return _run(text, lang, filters, limit, more)


def _keep_current() -> None:
    try:
        refresh_if_stale()
    except SQLAlchemyError:
        # The database is unavailable: answer from the index as it is rather than fail the search.
        db.session.rollback()
        log.warning("search index freshness check failed; answering from the index as it is", exc_info=True)


def _ranked(generation: Generation, text: str, filters: list[tuple[str, str]],
            limit: int) -> tuple[list[tuple[str, float]], list[str], bool]:
    """(key, score) best first, the terms to mark, and whether these are only near matches."""
    allowed = generation.allowed(filters)
    if not text:
        return [(key, 0.0) for key in generation.listing(allowed, limit)], [], False
    clauses, terms = build_query(text)
    ranked = generation.rank(_without_common_comment_words(generation, clauses), allowed, limit)
    if not ranked:
        near = fallback_query(text)
        if near:
            ranked = generation.rank(near, allowed, limit)
            return [(key, round(score, 4)) for key, score in ranked], terms + bigrams(text), bool(ranked)
    return [(key, round(score, 4)) for key, score in ranked], terms, False


def _without_common_comment_words(generation: Generation, clauses: list[Clause]) -> list[Clause]:
    """On a large index, comment words found with most work points are dropped from the query: they
    barely move the ranking and reading their postings was most of a query's time at 100,000
    comments. A query made only of such words keeps them."""
    ceiling = COMMON_IN_COMMENTS * max(1, generation.doc_count)
    kept = [(fname, term, boost) for fname, term, boost in clauses
            if not (fname.startswith("comments_") and generation.postings(fname, term).frequency > ceiling)]
    return kept if kept and len(kept) < len(clauses) else clauses


def _run(text: str, lang: str, filters: dict[str, str], limit: int, more: bool) -> Results:
    generation = ranking.current()
    try:
        ranked, terms, near = _ranked(generation, text, _filter_terms(filters), limit)
    except ReaderClosed:  # a commit replaced the generation while this search read from it
        generation = ranking.current()
        ranked, terms, near = _ranked(generation, text, _filter_terms(filters), limit)
    items = registry().items_by_plan_code  # a work point taken out of a plan since the index was built is left out
    ranked = [(key, items.get(split_key(key)), score) for key, score in ranked]
    ranked = [(key, item, score) for key, item, score in ranked if item is not None]
    shown = len(ranked) if more or not text else cut_tail([score for _, _, score in ranked])
    hits = [Hit(item.code, score, item, snippet(item, terms, lang), generation.statuses.get(key, ""))
            for key, item, score in ranked[:shown]]
    return Results(query=text, total=len(ranked), hits=hits, terms=terms, near=near, more=len(ranked) - shown)
