"""Precision, fallback and help (issue 18.2, 18.3): a precise query lists few work points, a query
the words miss gets near matches with a note, and a query nothing matches gets help, never a shrug."""
from __future__ import annotations

import pytest

from conftest import text_of


def test_precise_query_lists_few_and_more_only_on_request(client):
    data = client.get("/api/v1/search?q=违建&lang=zh").get_json()
    assert data["results"][0]["code"] == "4.4"
    assert len(data["results"]) <= 3 and data["more"] >= 10
    everything = client.get("/api/v1/search?q=违建&lang=zh&more=1").get_json()
    assert len(everything["results"]) == data["total"] and everything["more"] == 0
    html = client.get("/zh/search?q=违建").data.decode()
    assert "more=1" in html
    assert text_of(html).count("截止") <= 3 or html.count('class="card"') <= 3


def test_tail_cut_is_relative_to_the_best_hit():
    from portal.search.query import cut_tail

    assert cut_tail([]) == 0
    assert cut_tail([10.0]) == 1
    assert cut_tail([10.0, 9.0, 2.9, 1.0], ratio=0.3) == 2
    assert cut_tail([1.0, 0.5, 0.31], ratio=0.3) == 3


@pytest.mark.parametrize("lang, note", [("zh", "相近"), ("en", "near matches")])
def test_words_that_match_nothing_fall_back_to_near_matches(client, lang, note):
    data = client.get(f"/api/v1/search?q=悦府&lang={lang}").get_json()
    assert data["near"] is True and data["results"][0]["code"] == "2.5"
    html = client.get(f"/{lang}/search?q=悦府").data.decode()
    assert note in text_of(html) and f"/{lang}/search/go/2.5" in html


@pytest.mark.parametrize("lang, words", [
    ("zh", ["12345", "居委会", "市民服务热线", "全部工作要点"]),
    ("en", ["12345", "neighbourhood or village committee", "all work points"]),
])
def test_nothing_at_all_points_to_where_to_raise_it(client, lang, words):
    r = client.get(f"/{lang}/search?q=水泥厂xylophone")
    text = text_of(r.data)
    assert r.status_code == 200
    for word in words:
        assert word in text
    assert f'href="/{lang}/plans/2023-city-management/items/"' in r.data.decode()


def test_filter_only_listing_is_not_cut(client):
    data = client.get("/api/v1/search?status=no_report").get_json()
    assert data["total"] == 30 and len(data["results"]) == 30
