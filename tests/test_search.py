"""Search pages, API, bad input, filters, and index upkeep (atomic rebuild, corruption, updates)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import text_of


def test_results_page_in_both_languages(client):
    html = client.get("/zh/search?q=加梯").data.decode()
    assert "/zh/items/2.3" in html and "<mark>" in html
    assert "找到" in text_of(html)
    html = client.get("/en/search?q=lift").data.decode()
    assert "/en/items/2.3" in html and "work point" in text_of(html)


def test_header_search_box_points_to_search(client):
    html = client.get("/en/items/2.3").data.decode()
    assert 'action="/en/search"' in html


def test_nothing_matches_page_offers_suggestions(client):
    r = client.get("/en/search?q=xylophone")
    text = text_of(r.data)
    assert r.status_code == 200
    assert "Nothing matched" in text and "by place" in text


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_query_shows_the_form(client, q):
    r = client.get(f"/zh/search?q={q}")
    assert r.status_code == 200
    assert "热门搜索" in text_of(r.data)


def test_filters_combine_with_the_query(client):
    data = client.get("/api/v1/search?q=充电&lang=zh").get_json()
    codes = {r["code"] for r in data["results"]}
    assert {"5.1.3", "5.1.4"} <= codes
    only = client.get("/api/v1/search?q=充电&lang=zh&month=2023-09").get_json()
    assert "5.1.4" in {r["code"] for r in only["results"]} and "5.1.3" not in {r["code"] for r in only["results"]}
    by_office = client.get("/api/v1/search?q=充电&office=chengyunban").get_json()
    assert {r["code"] for r in by_office["results"]} <= {"1.1", "4.1", "4.3", "5.1.1", "5.1.4", "6.2"}
    by_place = client.get("/api/v1/search?place=yifeng-xincun").get_json()
    assert [r["code"] for r in by_place["results"]] == ["5.1.4"]
    by_area = client.get("/api/v1/search?q=电梯&area=5").get_json()
    assert "2.3" not in {r["code"] for r in by_area["results"]}
    by_status = client.get("/api/v1/search?status=no_report").get_json()
    assert by_status["total"] == 30
    assert client.get("/api/v1/search?status=completed").get_json()["total"] == 0


def test_api_shape_and_order(client):
    data = client.get("/api/v1/search?q=elevator&lang=en").get_json()
    assert data["query"] == "elevator"
    assert data["results"][0]["code"] == "2.3"
    first = data["results"][0]
    assert set(first) == {"code", "title", "snippet", "url", "score"}
    assert first["url"] == "/en/items/2.3"
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert data["total"] == len(data["results"])


@pytest.mark.parametrize("q,status", [
    ("", 400), ("x" * 1000, 400), ("！？。，", 400), ("***", 400), ("title:(", 200), ("*", 400),
    ("a AND OR NOT (", 200), ("' OR 1=1 --", 200), ("<script>alert(1)</script>", 200), ("\x00", 400), ("%00", 200),
])
def test_bad_input_never_breaks_the_api(client, q, status):
    r = client.get("/api/v1/search", query_string={"q": q})
    assert r.status_code == status
    body = r.get_json()
    assert ("error" in body) if status == 400 else ("results" in body)


@pytest.mark.parametrize("q", ["x" * 1000, "title:(", "*", "<script>alert(1)</script>", "！？"])
def test_bad_input_never_breaks_the_page(client, q):
    r = client.get("/zh/search", query_string={"q": q})
    assert r.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in r.data.decode()


def test_api_rejects_unknown_language(client):
    assert client.get("/api/v1/search?q=lift&lang=fr").status_code == 400


def test_openapi_lists_search(client):
    assert "/api/v1/search" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_rebuild_is_atomic_and_ensure_is_idempotent(app):
    from portal.search import index

    with app.app_context():
        first = index.build()
        link = index.current_dir()
        assert link.is_symlink() and link.resolve() == first.resolve()
        assert index.ensure() is False
        second = index.build()
        assert link.resolve() == second.resolve()
        # The previous build stays readable for searchers that opened it.
        assert first.exists()


def test_missing_index_is_rebuilt_on_search(app, client):
    import shutil

    from portal.search import index

    with app.app_context():
        index.build()
        shutil.rmtree(index.current_dir().resolve())
    r = client.get("/api/v1/search?q=加梯")
    assert r.status_code == 200 and r.get_json()["results"][0]["code"] == "2.3"


def test_corrupt_index_is_rebuilt_on_search(app, client):
    from portal.search import index

    with app.app_context():
        index.build()
        for f in index.current_dir().resolve().iterdir():
            if f.suffix in (".toc", ".seg"):
                f.write_bytes(b"garbage")
    r = client.get("/api/v1/search?q=垃圾分类")
    assert r.status_code == 200 and r.get_json()["results"][0]["code"] == "4.1"


def test_item_changed_signal_reindexes(app):
    from flask import current_app

    from portal.extensions import db
    from portal.models import WorkItem
    from portal.search.query import search
    from portal.services.events import item_changed

    with app.app_context():
        assert search(None, "zh", {"status": "completed"}).total == 0
        row = db.session.query(WorkItem).filter_by(code="2.3").one()
        row.current_status = "completed"
        db.session.commit()
        item_changed.send(current_app._get_current_object(), code="2.3")
        found = search(None, "zh", {"status": "completed"})
        assert [h.code for h in found.hits] == ["2.3"]


def test_search_cli_build_and_ensure(app):
    runner = app.test_cli_runner()
    assert "built" in runner.invoke(args=["search", "build"]).output
    assert "current" in runner.invoke(args=["search", "ensure"]).output
