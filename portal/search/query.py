"""From what a resident typed to ranked work points: normalise, expand aliases, OR the terms."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError
from whoosh import query as Q
from whoosh.scoring import BM25F

from ..extensions import db
from ..services.content import content
from .analysis import CJK, HAS_CJK_RE, LATIN_WORD_RE, bigrams, en_terms, normalize, zh_words
from .index import open_index, refresh_if_stale, repair_if_damaged

log = logging.getLogger(__name__)
MAX_QUERY = 200
FILTERS = ("area", "office", "month", "status", "place")


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


_SPACE_IN_CJK_RE = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")


def clean(raw: str | None) -> str:
    # Chinese is written without spaces, so a space between two characters is a slip of the thumb
    # ("加 梯"); joining them lets the segmenter see the word. Punctuation still separates words.
    text = _SPACE_IN_CJK_RE.sub("", normalize(raw or ""))
    # Query syntax and punctuation have no meaning here: keep letters, digits and spaces.
    text = re.sub(r"[^\w\s.%-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=8)
def _alias_groups(aliases: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    return [tuple(normalize(w) for w in group) for group in aliases]


def expand(text: str) -> list[str]:
    """Alias members the query mentions, expanded to their whole groups."""
    extra: list[str] = []
    for group in _alias_groups(tuple(content().aliases)):
        for member in group:
            if HAS_CJK_RE.search(member):
                hit = member in text
            else:
                hit = re.search(rf"(?<![a-z0-9]){re.escape(member)}(?![a-z0-9])", text) is not None
            if hit:
                extra.extend(m for m in group if m != member)
                break
    return extra


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
        # Comments get no bigram field: on a large index their bigrams were a third of all postings
        # read per query, for the weakest signal; jieba's words still find a comment.
        for gram in dict.fromkeys(bigrams(words)) if typed else ():
            for fname in ("title_bg", "zh_bg"):
                clause(fname, gram, boost * 0.6)
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


def _filter_query(filters: dict[str, str], allowed_status_codes: set[str] | None) -> Q.Query | None:
    parts: list[Q.Query] = []
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


# Item texts never change while the process runs; converting them (OpenCC) was a quarter of a query.
_normalized_item_text = lru_cache(maxsize=8192)(normalize)


def snippet(item, terms: list[str], lang: str, width: int = 90) -> Markup:
    """A short passage of the plain summary (or the official text) with the query's words marked."""
    text = (item.summary.en if lang == "en" else item.summary.zh) or item.official_text
    low = _normalized_item_text(text)
    found = [t for t in sorted(set(terms), key=len, reverse=True) if t and t in low]
    if not found and lang == "en":
        text, low = item.official_text, _normalized_item_text(item.official_text)
        found = [t for t in sorted(set(terms), key=len, reverse=True) if t and t in low]
    start = 0
    if found:
        first = min(low.find(t) for t in found)
        start = max(0, first - width // 3)
    piece = text[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    if len(low) != len(text):  # normalisation changed lengths: show without marks
        return escape(prefix + piece + suffix)
    low_piece = low[start:start + width]
    marks = [False] * len(piece)
    for t in found:
        for m in re.finditer(re.escape(t), low_piece):
            for i in range(m.start(), m.end()):
                marks[i] = True
    out, i = [], 0
    while i < len(piece):
        j = i
        while j < len(piece) and marks[j] == marks[i]:
            j += 1
        chunk = escape(piece[i:j])
        out.append(Markup("<mark>") + chunk + Markup("</mark>") if marks[i] else chunk)
        i = j
    return escape(prefix) + Markup("").join(out) + escape(suffix)


def search(raw: str | None, lang: str = "zh", filters: dict[str, str] | None = None, limit: int = 30) -> Results:
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
        return _run(text, lang, filters, limit)
    except Exception:
        # A damaged segment may only show when it is read; repair and answer instead of failing. Retry
        # even when the index now reads well: another worker may have swapped in a rebuild meanwhile.
        # A bug fails the second time too and surfaces.
        repair_if_damaged()
        return _run(text, lang, filters, limit)


def _keep_current() -> None:
    try:
        refresh_if_stale()
    except SQLAlchemyError:
        # The database is unavailable: answer from the index as it is rather than fail the search.
        db.session.rollback()
        log.warning("search index freshness check failed; answering from the index as it is", exc_info=True)


def _run(text: str, lang: str, filters: dict[str, str], limit: int) -> Results:
    store = content()
    ix = open_index()
    try:
        with ix.searcher(weighting=BM25F()) as searcher:
            fq = _filter_query(filters, None)
            if text:
                q, terms = build_query(text)
            else:
                q, terms = Q.Every(), []
            hits = searcher.search(q, filter=fq, limit=limit)
            out = []
            for h in hits:
                item = store.item(h["code"])
                if item is None:
                    continue
                out.append(Hit(h["code"], round(float(h.score), 4) if text else 0.0, item,
                               snippet(item, terms, lang)))
            total = len(hits) if text else hits.scored_length()
    finally:
        ix.close()
    return Results(query=text, total=total, hits=out, terms=terms)
