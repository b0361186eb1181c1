"""From what a resident typed to ranked work points: normalise, expand aliases, OR the terms."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from whoosh import query as Q
from whoosh.scoring import BM25F

from ..extensions import db
from ..services.content import registry
from .analysis import CJK, LATIN_WORD_RE, bigrams, en_terms, normalize, zh_words
from .index import open_index, refresh_if_stale, repair_if_damaged, split_key
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


@dataclass
class Hit:
    code: str
    score: float
    item: object
    snippet: Markup


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    near: bool = False  # nothing matched the words: these hits share characters with the query
    more: int = 0  # weaker hits left out; the page offers them behind a "more results" link


_SPACE_IN_CJK_RE = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")


def clean(raw: str | None) -> str:
    # Chinese is written without spaces, so a space between two characters is a slip of the thumb
    # ("加 梯"); joining them lets the segmenter see the word. Punctuation still separates words.
    text = _SPACE_IN_CJK_RE.sub("", normalize(raw or ""))
    # Query syntax and punctuation have no meaning here: keep letters, digits and spaces.
    text = re.sub(r"[^\w\s.%-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def expand(text: str) -> list[str]:
    """Words of the alias and thesaurus groups the query touches (portal/search/vocabulary.py)."""
    return current_app.extensions["search_vocabulary"].expand(text)


def build_query(text: str) -> tuple[Q.Query, list[str]]:
    """An OR of every term in every field; alias expansions count a little less than typed words.

    A term that several aliases share (电梯 in 加装电梯, 装电梯, 老楼电梯…) becomes one clause with the
    boosts added: the same score as repeating it, but its postings are read once. That is most of
    the work on a large index, where every clause scores every document it matches.
    """
    boosts: dict[tuple[str, str], float] = {}
    shown: list[str] = []

    def clause(fname: str, term: str, boost: float) -> None:
        boosts[fname, term] = boosts.get((fname, term), 0.0) + boost

    def add(words: str, boost: float, typed: bool) -> None:
        for term in dict.fromkeys(zh_words(words)):
            for fname in ("title_zh", "zh", "comments_zh") if typed else ("title_zh", "zh"):
                clause(fname, term, boost)
            shown.append(term)
        # Character bigrams join only the fallback query (when the words find nothing): on a large
        # index they were a third of all postings read per query, for the weakest signal.
        latin = " ".join(LATIN_WORD_RE.findall(words))
        for term in dict.fromkeys(en_terms(latin)):
            for fname in ("title_en", "en", "comments_en") if typed else ("title_en", "en"):
                clause(fname, term, boost)
        for word in LATIN_WORD_RE.findall(words):
            shown.append(word)
        if re.fullmatch(r"\d+(\.\d+)*", words.strip()):
            clause("code_text", words.strip(), 5.0)

    add(text, 1.0, typed=True)
    # Comments are searched for the words the resident typed, not for every synonym of them.
    for alias in expand(text):
        add(alias, 0.7, typed=False)
        shown.append(alias)
    clauses = [Q.Term(fname, term, boost=boost) for (fname, term), boost in boosts.items()]
    return Q.Or(clauses), list(dict.fromkeys(s for s in shown if s))


def fallback_query(text: str) -> Q.Query | None:
    """Near matches: the typed text's character bigrams, for words neither jieba nor the thesaurus know."""
    grams = list(dict.fromkeys(bigrams(text)))
    if not grams:
        return None
    return Q.Or([Q.Term(fname, gram) for gram in grams for fname in ("title_bg", "zh_bg")])


def cut_tail(scores: list[float], ratio: float | None = None) -> int:
    """How many of the ranked hits to show: those scoring at least `ratio` of the best one.

    BM25 scores of one query are comparable with each other, not across queries, so the cut is
    relative: a precise query (违建) keeps its few strong hits, a vague one keeps more.
    """
    if not scores:
        return 0
    floor = scores[0] * (TAIL_RATIO if ratio is None else ratio)
    return sum(1 for s in scores if s >= floor)


def _filter_query(filters: dict[str, str], allowed_status_codes: set[str] | None) -> Q.Query | None:
    parts: list[Q.Query] = []
    if filters.get("plan"):
        parts.append(Q.Term("plan", filters["plan"]))
    if filters.get("area"):
        parts.append(Q.Term("section", str(filters["area"])))
    if filters.get("office"):
        parts.append(Q.Term("offices", filters["office"]))
    if filters.get("month"):
        parts.append(Q.Term("month", filters["month"]))
    if filters.get("place"):
        parts.append(Q.Term("places", filters["place"]))
    if filters.get("status"):
        parts.append(Q.Term("status", filters["status"]))
    return Q.And(parts) if parts else None


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
        repair_if_damaged()
        return _run(text, lang, filters, limit, more)


def _keep_current() -> None:
    try:
        refresh_if_stale()
    except SQLAlchemyError:
        # The database is unavailable: answer from the index as it is rather than fail the search.
        db.session.rollback()
        log.warning("search index freshness check failed; answering from the index as it is", exc_info=True)


def _ranked(searcher, text: str, fq, limit: int) -> tuple[list[tuple[str, float]], list[str], bool]:
    """(code, score) best first, the terms to mark, and whether these are only near matches."""
    if not text:
        hits = searcher.search(Q.Every(), filter=fq, limit=limit)
        return [(h["key"], 0.0) for h in hits], [], False
    q, terms = build_query(text)
    hits = searcher.search(_without_common_comment_words(searcher, q), filter=fq, limit=limit)
    if hits.is_empty():
        near = fallback_query(text)
        if near is not None:
            hits = searcher.search(near, filter=fq, limit=limit)
            return [(h["key"], round(float(h.score), 4)) for h in hits], terms + bigrams(text), not hits.is_empty()
    return [(h["key"], round(float(h.score), 4)) for h in hits], terms, False


def _without_common_comment_words(searcher, q: Q.Query) -> Q.Query:
    """On a large index, comment words found with most work points are dropped from the query: they
    barely move the ranking and reading their postings was most of a query's time at 100,000
    comments. A query made only of such words keeps them."""
    ceiling = COMMON_IN_COMMENTS * max(1, searcher.doc_count())
    kept = [c for c in q.subqueries
            if not (c.fieldname.startswith("comments_") and searcher.doc_frequency(c.fieldname, c.text) > ceiling)]
    return Q.Or(kept) if kept and len(kept) < len(q.subqueries) else q


def _item_of(key: str):
    plan, code = split_key(key)
    store = registry().store(plan)
    return store.item(code) if store is not None else None


def _run(text: str, lang: str, filters: dict[str, str], limit: int, more: bool) -> Results:
    ix = open_index()
    try:
        with ix.searcher(weighting=BM25F()) as searcher:
            ranked, terms, near = _ranked(searcher, text, _filter_query(filters, None), limit)
    finally:
        ix.close()
    ranked = [(_item_of(key), score) for key, score in ranked]
    ranked = [(item, score) for item, score in ranked if item is not None]
    shown = len(ranked) if more or not text else cut_tail([score for _, score in ranked])
    hits = [Hit(item.code, score, item, snippet(item, terms, lang)) for item, score in ranked[:shown]]
    return Results(query=text, total=len(ranked), hits=hits, terms=terms, near=near, more=len(ranked) - shown)
