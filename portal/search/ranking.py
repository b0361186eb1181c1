"""Whoosh's BM25F ranking computed from memory: each term's scores are read once per index generation.

Whoosh answers a term clause by looking the term up on disk, reading its postings and building a
scorer and matchers around them: about 0.2 ms for a clause that matches, 0.05 ms for one that does
not, and a query has about fifty (each word in three fields, plus the alias and thesaurus words),
mostly the same few hundred words again and again. A committed generation of the index never changes
(a re-index commits a new generation, a rebuild a new directory), so the score a term gives each
document is computed on its first use and kept until the generation is replaced; a query only adds
them up. The scores are Whoosh's own: `whoosh.scoring.bm25` with Whoosh's idf and average field
length, field boosts inside the stored weights, clause boosts multiplied in and summed in clause
order, ties broken by document number. tests/test_search_ranking.py compares the two. (Past 5,000
documents Whoosh would add the clauses up in a tree instead: the same sums but for the last bits.)
"""
from __future__ import annotations

import heapq
import os
import threading
from array import array
from dataclasses import dataclass
from math import log
from pathlib import Path

from flask import current_app
from whoosh.index import TOC
from whoosh.reading import ReaderClosed
from whoosh.scoring import BM25F, bm25

from .index import STATE_KEY, IndexState, _open, current_path, open_index

# (field, term) entries kept per generation, oldest dropped first: a bound for a very large index.
MAX_TERMS = 50_000
_BM25 = BM25F()  # the weighting search used through Whoosh, B and K1 as it had them


@dataclass(frozen=True)
class Postings:
    frequency: int  # documents holding the term, deleted ones included, as Whoosh's idf counts them
    docs: array
    scores: array  # before the clause's boost


NOTHING = Postings(0, array("i"), array("d"))
Clause = tuple[str, str, float]  # field, term, boost


class Generation:
    """One committed generation of the index, with the scores of the terms asked for so far."""

    def __init__(self, where: tuple[int, str, int], ix, link: str | None = None):
        self.where = where  # process, build directory, generation
        self.link = link  # what the `current` symlink said when it was opened
        self._reader = ix.reader()
        self._schema = self._reader.schema
        self._lock = threading.Lock()  # a Whoosh reader reads its files with seek(): one thread at a time
        self._closed = False
        self._postings: dict[tuple[str, str], Postings] = {}
        self.doc_count_all = self._reader.doc_count_all()
        self.doc_count = self._reader.doc_count()
        self.keys: dict[int, str] = {}
        # Each work point's status as indexed: the status filter reads it, so the line under a hit shows
        # the same one, and a search needs no database read (it answers while the database is down).
        self.statuses: dict[str, str] = {}
        for docnum, fields in self._reader.iter_docs():
            self.keys[docnum] = fields["key"]
            self.statuses[fields["key"]] = fields.get("status", "")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._reader.close()

    def postings(self, field: str, text: str) -> Postings:
        found = self._postings.get((field, text))
        if found is None:
            with self._lock:
                found = self._postings.get((field, text))
                if found is None:
                    found = self._read(field, text)
                    if len(self._postings) >= MAX_TERMS:
                        self._postings.pop(next(iter(self._postings)))
                    self._postings[field, text] = found
        return found

    def _read(self, field: str, text: str) -> Postings:
        if self._closed:
            raise ReaderClosed
        if field not in self._schema:
            return NOTHING
        try:
            btext = self._schema[field].to_bytes(text)
        except ValueError:
            return NOTHING
        reader = self._reader
        frequency = reader.doc_frequency(field, btext)  # 0 when no segment holds the term
        if not frequency:
            return NOTHING
        docs, weights = array("i"), []
        matcher = reader.postings(field, btext)
        while matcher.is_active():
            docs.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        if not self._schema[field].scorable:  # Whoosh scores these by weight alone
            return Postings(frequency, docs, array("d", weights))
        idf = log(self.doc_count_all / (frequency + 1)) + 1
        average = reader.field_length(field) / (self.doc_count_all or 1) or 1
        b = _BM25._field_B.get(field, _BM25.B)
        return Postings(frequency, docs, array("d", (
            bm25(idf, weight, reader.doc_field_length(doc, field, 1), average, b, _BM25.K1)
            for doc, weight in zip(docs, weights))))

    def allowed(self, filters: list[tuple[str, str]]) -> set[int] | None:
        """Documents holding every (field, value) of the filters; None when there are none."""
        allowed = None
        for field, value in filters:
            docs = set(self.postings(field, value).docs)
            allowed = docs if allowed is None else allowed & docs
        return allowed

    def rank(self, clauses: list[Clause], allowed: set[int] | None, limit: int) -> list[tuple[str, float]]:
        """(key, score) best first for an OR of term clauses, as Whoosh's Or of Terms scores them."""
        scores: dict[int, float] = {}
        get = scores.get
        for field, text, boost in clauses:
            found = self.postings(field, text)
            if allowed is None:  # most searches: no filter to ask about for each of the postings
                for doc, score in zip(found.docs, found.scores):
                    scores[doc] = get(doc, 0.0) + score * boost
                continue
            for doc, score in zip(found.docs, found.scores):
                if doc in allowed:
                    scores[doc] = get(doc, 0.0) + score * boost
        best = heapq.nsmallest(limit, scores.items(), key=lambda pair: (-pair[1], pair[0]))
        return [(self.keys[doc], score) for doc, score in best]

    def listing(self, allowed: set[int] | None, limit: int) -> list[str]:
        """Keys of the documents allowed, in index order (what Whoosh's Every() gives)."""
        return [self.keys[doc] for doc in sorted(self.keys) if allowed is None or doc in allowed][:limit]


def _link(current: str) -> str | None:
    """Where the `current` symlink points (None when it is a plain directory)."""
    try:
        return os.readlink(current)
    except OSError:
        return None


def _toc(path: str, generation: int) -> str:
    return os.path.join(path, TOC._filename("MAIN", generation))


def _still_serving(held: Generation, current: str) -> bool:
    """Whether a search should still read `held`: same process (a generation opened before gunicorn forks
    must not have its files read by several workers), same build directory, no commit since. A commit
    writes the next generation's table of contents and then deletes the older ones
    (whoosh.index.clean_files), so `held` is the latest while its own file exists and the next does
    not. Three system calls; listing the directory, as Whoosh does to find the latest, took 0.14-0.18 ms
    of a search in-process. `current`: current_path(), read by the caller."""
    pid, path, generation = held.where
    if pid != os.getpid():
        return False
    moved = held.link is None or _link(current) != held.link  # the symlink's text, else where it resolves
    if moved and os.path.realpath(current) != path:
        return False
    return os.path.exists(_toc(path, generation)) and not os.path.exists(_toc(path, generation + 1))


def current() -> Generation:
    """The generation `current` points to now: a commit another thread or worker made is seen at once
    (and the generation it replaces closed)."""
    app = current_app._get_current_object()  # proxies read once: docs/architecture.md
    state: IndexState = app.extensions[STATE_KEY]
    current = current_path(app)
    held = state.generation
    if held is not None and _still_serving(held, current):
        return held
    with state.generation_lock:
        held = state.generation
        if held is not None and _still_serving(held, current):
            return held
        fresh = state.generation = _load()
    if held is not None:
        held.close()
    return fresh


def _load() -> Generation:
    current = current_path()
    link, path = _link(current), os.path.realpath(current)
    try:
        ix = _open(Path(path))
    except Exception:  # noqa: BLE001 - missing or unreadable: open_index rebuilds it
        open_index().close()
        link, path = _link(current), os.path.realpath(current)
        ix = _open(Path(path))
    # Read before the reader opens: a commit in between makes the label older than the data, which
    # only means one more load at the next search, never stale results kept.
    return Generation((os.getpid(), path, ix.latest_generation()), ix, link)
