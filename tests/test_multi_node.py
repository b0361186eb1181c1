"""Several nodes on one database, each with its own search index: a change made through one node
shows on the other's pages at once and in its search after the index freshness check."""
from __future__ import annotations

from datetime import date

from conftest import login, make_staff, text_of
from route_walk import parse_page


def _two_nodes(app_factory):
    first = app_factory(SEARCH_REFRESH_SECONDS=0)
    second = app_factory(database_url=first.config["SQLALCHEMY_DATABASE_URI"], SEARCH_REFRESH_SECONDS=0)
    assert first.config["SEARCH_INDEX"] != second.config["SEARCH_INDEX"]
    for node in (first, second):  # both indexes built before the change, as on running nodes
        assert node.test_client().get("/api/v1/search?status=completed").get_json()["total"] == 0
    return first, second


def test_a_status_change_through_one_node_shows_on_the_other(app_factory):
    first, second = _two_nodes(app_factory)
    make_staff(first, "editor-a", "editor")
    staff = first.test_client()
    assert login(staff, "editor-a").status_code == 302
    page = staff.get("/staff/items/2.3").get_data(as_text=True)
    form = next(f for f in parse_page(page, "/staff/items/2.3")[0]
                if f.method == "post" and any(x.name == "status" for x in f.fields))
    response = staff.post(form.action, data={k: v for k, v in form.data({
        "status": "completed", "note_zh": "全部加装电梯已竣工。", "note_en": "All lifts finished.",
        "happened_on": "2023-12-20"}).items() if not k.startswith("progress_")})
    assert response.status_code == 302, text_of(response.data)[:500]

    other = second.test_client()
    assert "已完成" in text_of(other.get("/zh/plans/2023-city-management/items/2.3").data)  # pages read the shared database
    found = other.get("/api/v1/search?status=completed").get_json()
    assert [r["code"] for r in found["results"]] == ["2.3"]  # the second node's own index caught up
    notes = other.get("/api/v1/search?q=竣工&lang=zh").get_json()
    assert "2.3" in [r["code"] for r in notes["results"]]


def test_only_the_changed_items_are_reindexed_and_only_when_due(app_factory):
    from portal.search.index import refresh_if_stale
    from portal.services import feedback
    from portal.services.progress import record_update

    first, second = _two_nodes(app_factory)
    with first.app_context():
        record_update("4.1", "delayed", "因招标推迟。", "Tender delayed.", date(2023, 11, 2))
        fb = feedback.submit("5.1.3", body="充电桩不够用，晚上排队。", kind="concern", ip="192.0.2.44", lang="zh").feedback
        feedback.approve(fb, None)
    with second.app_context():
        assert refresh_if_stale() == ["2023-city-management/4.1", "2023-city-management/5.1.3"]
        assert refresh_if_stale() == []  # current now: nothing more to do
    second.config["SEARCH_REFRESH_SECONDS"] = 3600
    with first.app_context():
        record_update("2.3", "in_progress", "继续推进。", None, date(2023, 11, 3))
    with second.app_context():
        refresh_if_stale()  # checks once (the first check under the new interval)...
        record_update("1.1", "in_progress", "开始。", None, date(2023, 11, 4))
    with second.app_context():
        assert refresh_if_stale() is None  # ...and not again within the interval


def test_a_restored_or_edited_database_is_caught_without_signals(app_factory):
    """Rows written by anything other than this node's code (a restore, another node, SQL by hand)."""
    from sqlalchemy import update

    from portal.extensions import db
    from portal.models import WorkItem

    first, second = _two_nodes(app_factory)
    with first.app_context():
        db.session.execute(update(WorkItem).where(WorkItem.code == "7.1").values(current_status="completed"))
        db.session.commit()
    found = second.test_client().get("/api/v1/search?status=completed").get_json()
    assert [r["code"] for r in found["results"]] == ["7.1"]


def test_both_nodes_give_one_etag_and_a_change_on_one_is_seen_by_the_other(app_factory):
    """An ETag made on one node is checked on the other against the shared data version: a copy from
    before a change made through the first node is no longer current on the second at once."""
    from portal.services.progress import record_update

    first, second = _two_nodes(app_factory)
    one, two = first.test_client(), second.test_client()
    etag = one.get("/zh/plans/2023-city-management/items/2.3").headers["ETag"]
    assert two.get("/zh/plans/2023-city-management/items/2.3", headers={"If-None-Match": etag}).status_code == 304  # same release, same data
    with first.app_context():
        record_update("2.3", "completed", "全部加装电梯已竣工。", None, date(2023, 12, 20))
    fresh = two.get("/zh/plans/2023-city-management/items/2.3", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "已完成" in text_of(fresh.data)
    assert one.get("/zh/plans/2023-city-management/items/2.3", headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 304


def test_of_two_reindexes_at_once_the_index_keeps_the_later_data(app_factory, monkeypatch):
    """Workers share one index directory: one catching up (refresh_if_stale) reads an item's status
    while a member of staff changes it through another, whose own re-index then runs first. The index
    must end with the status now in the database, not the one the slower re-index read."""
    import threading

    from portal.search import index
    from portal.services.progress import record_update

    first = app_factory()
    second = app_factory(database_url=first.config["SQLALCHEMY_DATABASE_URI"],
                         SEARCH_INDEX=first.config["SEARCH_INDEX"])
    real = index._statuses
    staff: list[threading.Thread] = []

    def statuses_then_a_change(codes=None):
        read = real(codes)
        if not staff:  # while this re-index holds what it read, staff change 1.1 on the other worker
            def change():
                with first.app_context():
                    record_update("1.1", "delayed", "因招标推迟。", "Tender delayed.", date(2023, 11, 2))
            staff.append(threading.Thread(target=change))
            staff[0].start()
            staff[0].join(timeout=3)  # done at once when nothing waits on the lock this re-index holds
        return read

    monkeypatch.setattr(index, "_statuses", statuses_then_a_change)
    with second.app_context():
        index.update_items(["2023-city-management/1.1"])
    staff[0].join()
    with first.app_context():  # the index itself, before any freshness check could mend it
        with index.open_index().searcher() as searcher:
            assert searcher.document(key="2023-city-management/1.1")["status"] == "delayed"
    found = second.test_client().get("/api/v1/search?status=delayed").get_json()
    assert [r["code"] for r in found["results"]] == ["1.1"]


def test_a_comment_masked_again_on_one_node_leaves_the_other_nodes_search(app_factory):
    """`flask privacy purge` re-masks a published comment's text on one node: the others' indexes held the
    number as a word, and the comment count, last id and last decision of the work point stay the same."""
    from portal.extensions import db
    from portal.models import Feedback
    from portal.search.index import is_stale, refresh_if_stale, update_items
    from portal.services import feedback, privacy

    first, second = _two_nodes(app_factory)
    with first.app_context():
        fb = feedback.submit("5.1.3", body="充电桩不够用，电话13812345678找我。", kind="concern", ip="192.0.2.44",
                             lang="zh").feedback
        feedback.approve(fb, None)
        # Published as an older release's rules masked it: they missed the number.
        db.session.execute(Feedback.__table__.update().where(Feedback.id == fb.id).values(body_public=fb.body))
        db.session.commit()
    for node in (first, second):
        with node.app_context():
            update_items(["2023-city-management/5.1.3"])
            refresh_if_stale()
    search = "/api/v1/search?q=13812345678&lang=zh"
    assert [r["code"] for r in second.test_client().get(search).get_json()["results"]] == ["5.1.3"]

    with first.app_context():
        assert privacy.remask() == 1
    with second.app_context():
        assert is_stale()  # what `flask search ensure` asks
        assert refresh_if_stale() == ["2023-city-management/5.1.3"]
        assert not is_stale()
    for node in (first, second):
        assert node.test_client().get(search).get_json()["results"] == []


def test_writes_that_leave_a_comments_public_text_as_it_was_reindex_nothing_elsewhere(app_factory):
    """Erasing a contact, or writing the same text again, leaves what the index holds: no node re-indexes."""
    from portal.extensions import db
    from portal.models import Feedback
    from portal.search.index import refresh_if_stale
    from portal.services import feedback

    first, second = _two_nodes(app_factory)
    with first.app_context():
        fb = feedback.submit("5.1.3", body="充电桩不够用。", kind="concern", ip="192.0.2.44", lang="zh",
                             contact="13812345678").feedback
        feedback.approve(fb, None)
    with second.app_context():
        assert refresh_if_stale() == ["2023-city-management/5.1.3"]
    with first.app_context():
        db.session.execute(Feedback.__table__.update().where(Feedback.id == fb.id)
                           .values(contact=None, body_public=Feedback.body_public))
        db.session.commit()
    with second.app_context():
        assert refresh_if_stale() == []
