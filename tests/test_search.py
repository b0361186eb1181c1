"""Search pages, API, bad input, filters, and index upkeep (atomic rebuild, corruption, updates)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import make_staff, text_of


def test_results_page_in_both_languages(client):
    html = client.get("/zh/search?q=加梯").data.decode()
    assert "/zh/search/go/2.3?q=" in html and "<mark>" in html
    assert "找到" in text_of(html)
    html = client.get("/en/search?q=lift").data.decode()
    assert "/en/search/go/2.3?q=" in html and "work point" in text_of(html)


def test_header_search_box_points_to_search(client):
    html = client.get("/en/plans/2023-city-management/items/2.3").data.decode()
    assert 'action="/en/search"' in html and html.count('role="search"') == 1


@pytest.mark.parametrize("address", ["/zh/search?q=%E5%8A%A0%E6%A2%AF", "/zh/search", "/zh/search?q=%21%21"])
def test_the_search_page_has_one_search_box_holding_the_words(client, address):
    """The header's box is left out there: two boxes one under the other, the second holding the words."""
    html = client.get(address).data.decode()
    assert html.count('role="search"') == 1 and html.count('type="search"') == 1
    if "q=%E5" in address:
        assert 'value="加梯"' in html


def test_nothing_matches_page_offers_suggestions(client):
    r = client.get("/en/search?q=xylophone")
    text = text_of(r.data)
    assert r.status_code == 200
    assert "Nothing matched" in text and "by place" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_offered_search_is_shown_and_finds_work_points(app, client, lang):
    offered = app.extensions["portal_content"].suggestions.get(lang)  # content/search_suggestions.yaml
    html = client.get(f"/{lang}/search").data.decode()
    for q in offered:
        assert f">{q}</a>" in html
        data = client.get("/api/v1/search", query_string={"q": q, "lang": lang}).get_json()
        assert data["results"], q


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
    assert set(first) == {"code", "plan", "year", "title", "snippet", "url", "score", "status"}
    assert first["url"] == "/en/plans/2023-city-management/items/2.3"
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert data["total"] == len(data["results"]) + data["more"] and data["near"] is False


@pytest.mark.parametrize("q,status", [
    ("", 400), ("x" * 1000, 400), ("！？。，", 400), ("***", 400), ("title:(", 200), ("*", 400),
    ("a AND OR NOT (", 200), ("' OR 1=1 --", 200), ("<script>alert(1)</script>", 200), ("\x00", 400), ("%00", 200),
])
def test_bad_input_never_breaks_the_api(client, q, status):
    r = client.get("/api/v1/search", query_string={"q": q})
    assert r.status_code == status
    body = r.get_json()
    assert ("error" in body) if status == 400 else ("results" in body)


# Query syntax is not offered, so "title:(" and markup are searched as plain words (200); a query with
# no word to search ("*", punctuation only) or longer than a query may be is answered 400 with a message.
@pytest.mark.parametrize("q, status", [("x" * 1000, 400), ("title:(", 200), ("*", 400),
                                       ("<script>alert(1)</script>", 200), ("！？", 400)])
def test_bad_input_never_breaks_the_page(client, q, status):
    r = client.get("/zh/search", query_string={"q": q})
    assert r.status_code == status
    assert "<script>alert(1)</script>" not in r.data.decode()


@pytest.mark.parametrize("q,lang,expect", [
    ("ｅｌｅｖａｔｏｒ", "en", "2.3"),          # full-width Latin
    ("加裝電梯", "zh", "2.3"),                  # traditional characters
    ("電瓶車充電", "zh", {"5.1.3", "5.1.4"}),
    ("lift 加梯", "zh", "2.3"),                 # mixed languages
    ("e-bike 充电", "en", {"5.1.3", "5.1.4"}),
    ("  加   梯  ", "zh", "2.3"),              # stray spaces
    ("垃圾\u3000分类", "zh", "4.1"),            # ideographic space
    ("「违建」？！", "zh", "4.4"),               # punctuation around a word
])
def test_forgiving_input_finds_the_item_in_api_and_page(client, q, lang, expect):
    expect = {expect} if isinstance(expect, str) else expect
    data = client.get("/api/v1/search", query_string={"q": q, "lang": lang}).get_json()
    assert data["results"] and data["results"][0]["code"] in expect, data
    html = client.get(f"/{lang}/search", query_string={"q": q}).data.decode()
    first = html.find('class="card-link" href="')
    assert first != -1, "no result on the page"
    assert any(html.startswith(f'class="card-link" href="/{lang}/search/go/{code}?q=', first) for code in expect)


@pytest.mark.parametrize("q,message", [
    ("x" * 1000, "at most 200 characters"),
    ("！？。，", "no words we can look for"),
    ("*", "no words we can look for"),
])
def test_bad_input_page_explains_what_to_do(client, q, message):
    r = client.get("/en/search", query_string={"q": q})
    assert r.status_code == 400
    assert message in text_of(r.data)
    assert 'action="/en/search"' in r.data.decode()  # the form is still there to try again


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


def test_a_missing_index_that_cannot_be_rebuilt_answers_503_not_500(app, client, monkeypatch):
    """A read-only or full disk: the rebuild a search starts fails. The reader is told search is unavailable
    just now and where else to look (503, as for a database that is down), not "an error on our side"."""
    import errno
    import shutil

    from portal.search import index

    with app.app_context():
        index.build()
        shutil.rmtree(index.current_dir().resolve())

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(index, "build", read_only)
    page = client.get("/zh/search?q=加梯")
    assert page.status_code == 503 and "菜单" in text_of(page.data)
    api = client.get("/api/v1/search?q=加梯")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == 503


@pytest.mark.parametrize("damage", [".toc", ".seg", "both", "truncate-seg", "meta"])
def test_corrupt_index_is_rebuilt_on_search(app, client, damage):
    from portal.search import index

    with app.app_context():
        broken = index.build()
        files = [f for f in broken.iterdir()
                 if damage == "both" and f.suffix in (".toc", ".seg") or f.suffix == damage
                 or damage == "truncate-seg" and f.suffix == ".seg" or damage == "meta" and f.name == "meta.json"]
        assert files, f"nothing to damage in {sorted(f.name for f in broken.iterdir())}"
        for f in files:
            f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 3] if damage == "truncate-seg" else b"garbage")
    r = client.get("/api/v1/search?q=垃圾分类")
    assert r.status_code == 200 and r.get_json()["results"][0]["code"] == "4.1"
    with app.app_context():
        if damage == "meta":  # the index itself reads fine; `search ensure` sees it as stale and rebuilds
            assert index.current_dir().resolve() == broken.resolve()
            assert index.ensure() is True
        else:
            assert index.current_dir().resolve() != broken.resolve()
        assert index.ensure() is False  # the repaired index is current


def test_a_bug_in_search_is_not_hidden_by_rebuilding(app, monkeypatch):
    from portal.search import index, query

    with app.app_context():
        built = index.build()

        def broken(text):
            raise RuntimeError("bug")

        monkeypatch.setattr(query, "build_query", broken)
        with pytest.raises(RuntimeError):
            query.search("加梯")
        assert index.current_dir().resolve() == built.resolve()  # a readable index is left alone


def test_failed_rebuild_leaves_the_previous_index_serving(app, client, monkeypatch):
    from portal.search import index

    with app.app_context():
        good = index.build()
        calls = {"n": 0}
        real_document = index.item_document

        def fail_halfway(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > 15:
                raise RuntimeError("disk full")
            return real_document(*args, **kwargs)

        monkeypatch.setattr(index, "item_document", fail_halfway)
        with pytest.raises(RuntimeError):
            index.build()
        monkeypatch.undo()
        assert index.current_dir().resolve() == good.resolve()
        assert [p.name for p in Path(app.config["SEARCH_INDEX"]).glob("build-*")] == [good.name]  # the half build is removed
    data = client.get("/api/v1/search?q=elevator&lang=en").get_json()
    assert data["results"][0]["code"] == "2.3"


def test_concurrent_rebuilds_never_delete_the_build_another_worker_made_current(app, monkeypatch):
    """Two workers rebuild at once; the other's swap lands just after ours. Its build must survive
    our clean-up, or `current` points at nothing (seen under load with six gunicorn workers)."""
    from portal.search import index

    with app.app_context():
        first = index.build()
        theirs = index.build()  # finished first, its swap still to come
        back = Path(app.config["SEARCH_INDEX"]) / ".back"
        back.symlink_to(first.name)
        os.replace(back, index.current_dir())
        earlier = time.time() - 5
        os.utime(theirs, (earlier, earlier))
        real_replace = os.replace

        def replace_then_theirs_lands(src, dst):
            real_replace(src, dst)
            if Path(dst) == index.current_dir():
                tmp = Path(app.config["SEARCH_INDEX"]) / ".theirs"
                tmp.symlink_to(theirs.name)
                real_replace(tmp, dst)

        monkeypatch.setattr(index.os, "replace", replace_then_theirs_lands)
        ours = index.build()
        monkeypatch.undo()
        assert index.current_dir().resolve() == theirs.resolve() and theirs.exists()
        assert ours.exists()  # young: a searcher may have opened it in between


def test_old_builds_are_removed_after_a_while(app):
    from portal.search import index

    with app.app_context():
        first = index.build()
        abandoned = Path(app.config["SEARCH_INDEX"]) / "build-00000000000000-1-1"
        abandoned.mkdir()  # no meta.json: a build whose process died
        young_partial = Path(app.config["SEARCH_INDEX"]) / "build-00000000000000-2-2"
        young_partial.mkdir()  # no meta.json, recent: may still be in progress elsewhere
        long_ago = time.time() - index.ABANDONED_BUILD_SECONDS - 10
        os.utime(first, (long_ago, long_ago))
        os.utime(abandoned, (long_ago, long_ago))
        second = index.build()
        assert not first.exists() and not abandoned.exists()
        assert second.exists() and young_partial.exists()


def test_searcher_open_during_rebuild_keeps_a_whole_snapshot(app):
    from whoosh import index as whoosh_index
    from whoosh.query import Every

    from portal.search import index

    with app.app_context():
        index.build()
        searcher = whoosh_index.open_dir(str(index.current_dir())).searcher()
        try:
            index.build()
            index.build()  # two swaps: the snapshot's directory must still not be removed under it
            assert searcher.doc_count() == 30
            assert len(searcher.search(Every(), limit=None)) == 30
        finally:
            searcher.close()


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


def test_approved_comment_is_searchable_and_hidden_one_is_not(app):
    """Approval sends feedback_changed; the item is re-indexed with the comment's words."""
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.search import index
    from portal.search.query import search
    from portal.services import feedback

    staff_id = make_staff(app, "mod", "moderator")
    with app.app_context():
        index.build()
        fb = feedback.submit("3.3", body="院子里的紫藤花架坏了，wisteria trellis broken", kind="concern",
                             ip="203.0.113.7", lang="zh").feedback
        assert "3.3" not in [h.code for h in search("紫藤花架", "zh").hits]  # pending: not public, not indexed
        actor = db.session.get(StaffUser, staff_id)
        feedback.approve(fb, actor)
        assert [h.code for h in search("紫藤花架", "zh").hits][:1] == ["3.3"]
        assert [h.code for h in search("wisteria", "en").hits][:1] == ["3.3"]
        feedback.hide(fb, "resident asked to remove it", actor)
        assert "3.3" not in [h.code for h in search("紫藤花架", "zh").hits]


def test_a_place_named_with_a_rare_character_is_found(app):
    """𠀋 (Extension B) was outside the analyzer's Chinese range: 𠀋泾浜 was indexed as 家宅 alone."""
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.search import index
    from portal.search.query import search
    from portal.services import feedback

    staff_id = make_staff(app, "mod", "moderator")
    with app.app_context():
        index.build()
        fb = feedback.submit("3.3", body="𠀋泾浜的路灯不亮", kind="concern", ip="203.0.113.7", lang="zh").feedback
        feedback.approve(fb, db.session.get(StaffUser, staff_id))
        assert [h.code for h in search("𠀋泾浜", "zh").hits][:1] == ["3.3"]
        assert [h.code for h in search("𠀋", "zh").hits] == ["3.3"]
