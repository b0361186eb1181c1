"""Rendered page parts kept in Flask-Caching (portal/fragments.py): shown only while current, never
holding what one resident typed, and separate for each address."""
from __future__ import annotations

from datetime import date

from feedback_support import BODY, send_comment
from test_query_count import counted_statements

ITEM = "/zh/plans/2023-city-management/items/2.3"


def _statements(app, client, path):
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    with counted_statements(engine) as statements:
        response = client.get(path)
    return response, statements


def test_a_second_reader_gets_the_kept_body_and_a_change_shows_at_once(app):
    from portal.extensions import db
    from portal.models import Feedback
    from portal.services import feedback
    from portal.services.progress import record_update

    client = app.test_client()
    first, cold = _statements(app, client, ITEM)
    again, warm = _statements(app, client, ITEM)
    assert first.data == again.data
    assert len(warm) == 1 and "data_version" in warm[0]  # the body came from the store: no page queries
    assert len(cold) > len(warm)

    with app.app_context():
        record_update("2.3", "in_progress", "三号楼已开工，这是新的进展。", None, date(2023, 9, 1))
    assert "三号楼已开工，这是新的进展。" in client.get(ITEM).get_data(as_text=True)
    with app.app_context():
        fid = feedback.submit("2.3", body=BODY, kind="question", ip="192.0.2.1", lang="zh").feedback.id
        feedback.approve(db.session.get(Feedback, fid), None)
    assert BODY in client.get(ITEM).get_data(as_text=True)


def test_what_a_resident_typed_is_never_kept_for_others(app):
    typed = "我的电话是一三九零零零零一二三四，这是私人的留言草稿"
    resident = app.test_client()
    sent_back = send_comment(resident, body=typed, contact="not a phone")
    assert sent_back.status_code == 400 and typed in sent_back.get_data(as_text=True)
    for reader in (app.test_client(), resident):
        page = reader.get(ITEM).get_data(as_text=True)
        assert typed not in page and 'id="error-summary"' not in page


def test_each_address_and_language_has_its_own_body(app):
    client = app.test_client()
    zh = client.get(ITEM).get_data(as_text=True)
    en = client.get("/en/plans/2023-city-management/items/2.3").get_data(as_text=True)
    other = client.get("/zh/plans/2023-city-management/items/7.1").get_data(as_text=True)
    assert "Responsible offices" in en and "Responsible offices" not in zh
    assert "工作要点 7.1" in other and "工作要点 2.3" not in other
    assert client.get(ITEM).get_data(as_text=True) == zh


def test_null_cache_renders_every_time(app_factory):
    app = app_factory(CACHE_TYPE="NullCache")
    client = app.test_client()
    _, first = _statements(app, client, ITEM)
    _, second = _statements(app, client, ITEM)
    assert len(first) == len(second) > 1


def test_kept_pages_and_api_answers_follow_a_status_change(app):
    from portal.services.progress import record_update

    client = app.test_client()
    pages = ["/zh/", "/zh/plans/2023-city-management/areas/2", "/zh/plans/2023-city-management/progress"]
    before = {path: client.get(path).get_data(as_text=True) for path in pages}
    assert client.get("/api/v1/items/2.3").get_json()["status"]["code"] != "completed"
    assert client.get("/api/v1/items").status_code == 200  # the list is kept before the change too
    with app.app_context():
        record_update("2.3", "completed", "全部完工，这是新的进展。", None, date(2023, 12, 20))
    assert client.get("/api/v1/items/2.3").get_json()["status"]["code"] == "completed"
    listed = {i["code"]: i for i in client.get("/api/v1/items").get_json()["items"]}
    assert listed["2.3"]["status"]["code"] == "completed"
    for path in pages:
        assert client.get(path).get_data(as_text=True) != before[path], path


def test_an_unknown_work_point_is_a_404_every_time(app):
    client = app.test_client()
    for _ in range(2):
        assert client.get("/api/v1/items/99.9").status_code == 404
        assert client.get("/zh/plans/2023-city-management/items/99.9").status_code == 404


def test_the_worker_store_keeps_the_text_itself_and_only_text(app):
    # SimpleCache pickled each part on the way in and unpickled it at every read: a copy a str never needs.
    import pytest

    from portal.extensions import cache

    client = app.test_client()
    client.get(ITEM)
    with app.app_context():
        store = cache.cache
        kept = [value for _, value in store._cache.values()]
        assert kept and all(type(value) is str for value in kept)
        text = "<p>三号楼</p>"
        cache.set("x", text)
        assert cache.get("x") is text
        with pytest.raises(TypeError):
            cache.set("y", ["a list could be changed by whoever reads it"])
