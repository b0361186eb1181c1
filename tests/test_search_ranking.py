"""Search ranks from memory (portal/search/ranking.py) exactly as Whoosh's own search ranked: the
same work points, in the same order, with the same scores, for every query of the quality sets, with
and without filters, on a fresh index and on one with re-indexed items (several segments, deletions)."""
from __future__ import annotations

import os

import pytest
from whoosh import query as Q
from whoosh.scoring import BM25F

from test_search_quality import SETS

QUERIES = [case["q"] for cases in SETS.values() for case in cases] + ["2.3", "悦府", "水泥厂xylophone", "的"]
FILTERS = [[], [("section", "2")], [("status", "no_report"), ("plan", "2023-city-management")],
           [("offices", "nobody")]]


def whoosh_ranked(clauses, filters, limit=30):
    from portal.search.index import open_index

    ix = open_index()
    with ix.searcher(weighting=BM25F()) as searcher:
        fq = Q.And([Q.Term(f, v) for f, v in filters]) if filters else None
        hits = searcher.search(Q.Or([Q.Term(f, t, boost=b) for f, t, b in clauses]), filter=fq, limit=limit)
        return [(hit["key"], hit.score) for hit in hits]


def assert_same_as_whoosh():
    from portal.search import ranking
    from portal.search.query import build_query, clean, fallback_query

    generation = ranking.current()
    compared = 0
    for n, text in enumerate(QUERIES):
        filters = FILTERS[n % len(FILTERS)]
        for clauses in (build_query(clean(text))[0], fallback_query(clean(text))):
            expected = whoosh_ranked(clauses, filters)
            assert generation.rank(clauses, generation.allowed(filters), 30) == expected, (text, filters)
            compared += bool(expected)
    assert compared > len(QUERIES)  # most queries found something to compare


def test_scores_and_order_are_whooshs(app):
    with app.app_context():
        assert_same_as_whoosh()


def test_after_reindexing_items_scores_are_still_whooshs(app):
    """Each re-index commits a new segment and deletes the item's old document: document numbers,
    counts and idf then differ from a fresh build's."""
    from portal.search import index, ranking

    with app.app_context():
        before = ranking.current()
        index.update_items(["2023-city-management/2.3", "2023-city-management/4.1"])
        index.update_items(["2023-city-management/2.3"])
        after = ranking.current()
        assert after is not before and after.doc_count_all > after.doc_count == 30
        assert_same_as_whoosh()


def test_a_commit_replaces_and_closes_the_generation_read_before(app):
    from whoosh.reading import ReaderClosed

    from portal.search import index, ranking
    from portal.search.query import search

    with app.app_context():
        old = ranking.current()
        assert ranking.current() is old  # no commit in between: the same generation
        index.update_items(["2023-city-management/2.3"])
        assert ranking.current() is not old
        with pytest.raises(ReaderClosed):  # a term it never read can no longer be read from it
            old.postings("zh", "从未读过的词")
        assert search("加梯").hits[0].code == "2.3"


def test_filter_only_listing_is_in_index_order(app):
    from portal.search import ranking
    from portal.search.index import open_index

    with app.app_context():
        generation = ranking.current()
        with open_index().searcher() as searcher:
            expected = [hit["key"] for hit in searcher.search(Q.Every(), filter=Q.Term("section", "2"), limit=30)]
        assert generation.listing(generation.allowed([("section", "2")]), 30) == expected


def test_the_latest_generation_is_read_after_commits_and_a_rebuild(app):
    """Staleness is judged from the generation's own table of contents and the next one (no directory
    listing): two commits in a row, and a rebuild into a new directory, are each seen at the next search."""
    from portal.search import index, ranking

    with app.app_context():
        first = ranking.current()
        index.update_items(["2023-city-management/2.3"])
        index.update_items(["2023-city-management/4.1"])
        latest = ranking.current()
        assert latest.where[2] == first.where[2] + 2 and ranking.current() is latest
        index.build()
        rebuilt = ranking.current()
        assert rebuilt.where[1] != latest.where[1] and rebuilt.where[1] == os.path.realpath(index.current_dir())
        assert ranking.current() is rebuilt


def test_build_query_takes_its_expansion_from_the_switch_the_ablation_bench_turns_off(app, monkeypatch):
    """bench/ablation.py measures a search without alias and thesaurus expansion by replacing
    query.expand; build_query once asked the vocabulary directly, and the bench measured nothing."""
    from portal.search import query

    with app.app_context():
        expanded = query.build_query(query.clean("加梯"))[1]
        monkeypatch.setattr(query, "expand", lambda text: [])
        typed_only = query.build_query(query.clean("加梯"))[1]
    assert "加装电梯" in expanded and "加装电梯" not in typed_only
