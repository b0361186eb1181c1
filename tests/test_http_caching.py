"""Standard HTTP caching of public pages (portal/http_caching.py) and the origin check that lets
residents' forms go without a session (portal/same_origin.py)."""
from __future__ import annotations

import gzip
from datetime import date

import brotli
import pytest

from conftest import login, make_staff, text_of
from feedback_support import BODY, send_comment
from public_pages import public_pages, seed
from test_query_count import counted_statements

ITEM = "/zh/plans/2023-city-management/items/2.3"


def _statements(app, client, path, **kwargs):
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    with counted_statements(engine) as statements:
        response = client.get(path, **kwargs)
    return response, statements


def test_no_cookie_on_a_readers_get_of_any_public_page(app):
    seeded = seed(app)
    client = app.test_client()
    for page in public_pages(app, seeded):
        response = client.get(page.path)
        assert response.status_code == page.status, page.name
        assert "Set-Cookie" not in response.headers, page.name
    assert not client.get_cookie("session")


def test_a_revalidation_is_answered_304_without_rendering(app):
    client = app.test_client()
    first = client.get(ITEM)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=1, must-revalidate"
    assert "Accept-Encoding" in first.vary and "Cookie" not in first.vary  # nginx keys on the cookies pages read
    again, statements = _statements(app, client, ITEM, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and "Cookie" not in again.vary
    assert len(statements) == 1 and "data_version" in statements[0]  # the version, nothing rendered


@pytest.mark.parametrize("encoding, decode", [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_compressed_pages_revalidate_too(app, encoding, decode):
    client = app.test_client()
    plain = client.get(ITEM)
    packed = client.get(ITEM, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert decode(packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"]  # weak: one page, whatever the encoding
    assert client.get(ITEM, headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]}
                      ).status_code == 304


def test_a_change_anywhere_gives_a_new_etag(app):
    from portal.extensions import db
    from portal.models import Feedback
    from portal.services import feedback, marks
    from portal.services.progress import record_update

    client = app.test_client()
    seen = {client.get(ITEM).headers["ETag"]}

    def changed():
        tag = client.get(ITEM).headers["ETag"]
        assert tag not in seen
        seen.add(tag)

    with app.app_context():
        record_update("2.3", "in_progress", "已开工。", None, date(2023, 9, 1))
    changed()
    with app.app_context():
        fid = feedback.submit("2.3", body=BODY, kind="question", ip="192.0.2.1", lang="zh").feedback.id
    changed()  # a pending comment is not shown, but the version does not know that: one wasted render
    with app.app_context():
        feedback.approve(db.session.get(Feedback, fid), None)
    changed()
    with app.app_context():
        marks.add_mark("2.3", None, marks.new_browser_id())
    changed()
    assert client.get(ITEM).headers["ETag"] in seen  # nothing changed: the same tag


def test_bulk_statements_bump_and_sql_text_bumps_by_hand(app):
    from sqlalchemy import text, update

    from portal.extensions import db
    from portal.models import WorkItem
    from portal.services.data_version import bump_data_version, current

    with app.app_context():
        before = current()
        db.session.execute(update(WorkItem).where(WorkItem.code == "7.1").values(current_status="completed"))
        db.session.commit()
        bulk = current()
        assert bulk != before
        db.session.execute(text("UPDATE work_item SET current_status = 'delayed' WHERE code = '7.1'"))
        db.session.commit()
        assert current() == bulk  # the ORM cannot see inside SQL text...
        db.session.execute(text("UPDATE work_item SET current_status = 'completed' WHERE code = '7.1'"))
        bump_data_version()  # ...so its writer says so
        db.session.commit()
        assert current() != bulk


def test_the_date_the_language_and_care_mode_are_part_of_the_etag(app):
    client = app.test_client()
    zh, en = client.get(ITEM).headers["ETag"], client.get("/en/plans/2023-city-management/items/2.3").headers["ETag"]
    client.set_cookie("care", "1")
    care = client.get(ITEM).headers["ETag"]
    app.config["PORTAL_TODAY"] = "2026-11-25"
    client.delete_cookie("care")
    tomorrow = client.get(ITEM).headers["ETag"]
    assert len({zh, en, care, tomorrow}) == 4


def test_search_results_are_rendered_and_counted_every_time(app):
    from portal.extensions import db
    from portal.models import SearchQueryWeek
    from portal.services import search_log

    client = app.test_client()
    first = client.get("/zh/search?q=电梯")
    assert first.headers["Cache-Control"] == "private, no-cache" and "ETag" not in first.headers
    assert client.get("/zh/search?q=电梯", headers={"If-None-Match": "*"}).status_code == 200
    with app.app_context():
        search_log.flush()
        assert db.session.query(SearchQueryWeek.searches).filter_by(query="电梯").scalar() == 2


def test_staff_and_residents_with_a_session_get_private_pages(app):
    make_staff(app, "editor-c", "editor")
    staff = app.test_client()
    assert login(staff, "editor-c").status_code == 302
    page = staff.get(ITEM)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in page.headers
    etag = app.test_client().get(ITEM).headers["ETag"]
    assert staff.get(ITEM, headers={"If-None-Match": etag}).status_code == 200  # never a shared copy
    assert staff.get("/staff/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "null"},
    {"Referer": "https://evil.example/page"},
])
def test_a_cross_site_post_is_refused_with_a_clear_page(app, client, headers):
    from portal.extensions import db
    from portal.models import Feedback

    data = {"body": BODY, "kind": "question", "place": ""}
    r = client.post("/en/plans/2023-city-management/items/2.3/feedback", data=data, headers=headers)
    assert r.status_code == 403
    assert "Sent from another site" in text_of(r.data) and "nothing was saved" in text_of(r.data)
    zh = client.post(f"{ITEM}/feedback", data=data, headers=headers)
    assert zh.status_code == 403 and "Sent from another site" not in text_of(zh.data)
    assert "Set-Cookie" not in r.headers
    with app.app_context():
        assert db.session.query(Feedback).count() == 0


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
    {"Origin": "http://localhost"},
    {"Referer": "http://localhost/zh/plans/2023-city-management/items/2.3"},
    {},  # no browser sent it: a script could post anyway, token or not
])
def test_a_same_site_post_is_accepted_without_token_or_session(app, client, headers):
    assert not client.get_cookie("session")
    r = client.post(f"{ITEM}/feedback", data={"body": BODY, "kind": "question", "place": ""}, headers=headers)
    assert r.status_code == 302 and "/feedback/ZJ-" in r.headers["Location"]


def test_the_public_url_counts_as_this_site(app_factory):
    app = app_factory(PUBLIC_URL="https://zj.example.gov.cn")
    r = app.test_client().post(f"{ITEM}/feedback", data={"body": BODY, "kind": "question", "place": ""},
                               headers={"Origin": "https://zj.example.gov.cn"})
    assert r.status_code == 302


def test_a_double_click_from_one_form_is_stored_once_and_two_neighbours_twice(app, client):
    from portal.extensions import db
    from portal.models import Feedback

    assert 'name="sender"' in client.get(ITEM).get_data(as_text=True)
    for sender in ("a" * 32, "a" * 32, "b" * 32):  # the same form twice, then a neighbour on the same Wi-Fi
        assert send_comment(client, sender=sender).status_code == 302
    with app.app_context():
        assert db.session.query(Feedback).count() == 2


def test_staff_forms_still_need_their_token(app):
    make_staff(app, "editor-d", "editor")
    staff = app.test_client()
    assert login(staff, "editor-d").status_code == 302
    r = staff.post("/staff/logout", headers={"Origin": "http://localhost"})
    assert r.status_code == 400


@pytest.mark.parametrize("setting, value", [
    ("SITE_OPERATOR", "张江镇人民政府"),          # the footer on every page
    ("ICP_FILING", "沪ICP备00000000号"),
    ("PUBLIC_URL", "https://zj.example.gov.cn"),  # canonical and sharing links
    ("SMTP_HOST", "mail.example.gov.cn"),          # the follow-by-e-mail form appears
])
def test_a_setting_shown_on_pages_is_part_of_the_etag(app_factory, setting, value):
    """The same release and data after a restart with another setting that pages show: a browser's copy
    from before must not be confirmed with a 304 (nor a page part kept in a shared cache reused)."""
    before = app_factory()
    first = before.test_client().get(ITEM)
    extra = {"PUBLIC_URL": "https://zj.example.gov.cn"} if setting == "SMTP_HOST" else {}
    after = app_factory(database_url=before.config["SQLALCHEMY_DATABASE_URI"], **{setting: value}, **extra)
    if extra:  # PUBLIC_URL alone changes pages too: compare against a node that had it already
        first = app_factory(database_url=before.config["SQLALCHEMY_DATABASE_URI"], **extra).test_client().get(ITEM)
    fresh = after.test_client().get(ITEM)
    assert fresh.data != first.data  # the page does show the setting
    again = after.test_client().get(ITEM, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]


def test_nodes_with_the_same_settings_share_etags(app_factory):
    one = app_factory(SITE_OPERATOR="张江镇人民政府")
    two = app_factory(database_url=one.config["SQLALCHEMY_DATABASE_URI"], SITE_OPERATOR="张江镇人民政府",
                      SEARCH_INDEX=one.config["SEARCH_INDEX"] + "-other", DB_BUSY_TIMEOUT_MS=5000)
    etag = one.test_client().get(ITEM).headers["ETag"]
    assert two.test_client().get(ITEM, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path, status", [
    ("/zh/plans/2023-city-management/items/99.9", 404),
    ("/api/v1/items/99.9", 404),
    ("/api/v1/plans/2023-city-management/items/2.1.9", 404),
    (ITEM, 304),
    ("/api/v1/items/2.3", 304),
])
def test_if_none_match_star_is_304_only_where_there_is_a_page(client, path, status):
    """RFC 9110 13.1.2: "*" matches when the resource has a current representation. It was answered 304 before
    the view ran, so a work point that does not exist answered 304 instead of 404."""
    r = client.get(path, headers={"If-None-Match": "*"})
    assert r.status_code == status
    if status == 304:
        assert r.data == b"" and r.headers["ETag"] == client.get(path).headers["ETag"]


def test_feeds_and_the_api_have_one_etag_for_every_readers_language(app):
    """The feeds and the API (no language in their address) carry both languages and answer every reader
    alike, but their ETag hashed the reader's language (Accept-Language, lang cookie) and care mode, and
    they sent `Vary: Accept-Language`: a cache kept a copy per language (per Accept-Language string in
    nginx), and a reader switching language downloaded the same feed again."""
    from portal.http_caching import answers_304
    from progress_support import publish

    publish(app, "2.3", "in_progress", "加装电梯开工", "2023-09-01", note_en="Lift work started")
    values = {"plan": "2023-city-management", "code": "2.3"}
    paths = sorted(rule.rule.replace("<plan>", values["plan"]).replace("<code>", values["code"])
                   for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and "lang" not in rule.arguments and answers_304(rule.endpoint)
                   and not rule.redirect_to and rule.endpoint.rpartition(".")[2] != "static")
    assert "/api/v1/items" in paths and "/plans/2023-city-management/feed.atom" in paths
    readers = [({}, {}), ({"Accept-Language": "en-GB,en;q=0.9"}, {}), ({"Accept-Language": "zh-CN,zh;q=0.9"}, {}),
               ({}, {"lang": "en"}), ({}, {"lang": "zh"}), ({"Accept-Language": "en"}, {"care": "1"})]
    for path in paths:
        assert "<" not in path, f"{path}: give its arguments a sample value here"
        answers = []
        for headers, cookies in readers:
            client = app.test_client()
            for name, value in cookies.items():
                client.set_cookie(name, value)
            answers.append(client.get(path, headers=headers))
        if answers[0].status_code in (301, 308):  # an old address: the same redirect for everyone
            assert len({(r.status_code, r.location) for r in answers}) == 1, path
            continue
        assert {r.status_code for r in answers} == {200}, path
        assert len({r.data for r in answers}) == 1, f"{path}: its body depends on the reader"
        assert len({r.headers["ETag"] for r in answers}) == 1, path
        assert "Accept-Language" not in answers[0].vary, path
        again = app.test_client()
        again.set_cookie("lang", "en")
        assert again.get(path, headers={"If-None-Match": answers[2].headers["ETag"]}).status_code == 304, path


def test_a_feed_in_one_language_has_one_etag_whatever_the_care_cookie(app):
    """A feed whose address names its language (/zh/…/feed.atom) hashed the care cookie into its ETag, so
    nginx's copy (kept once for every reader: deploy/nginx.conf) never matched a care-mode reader's."""
    from progress_support import publish

    publish(app, "2.3", "in_progress", "加装电梯开工", "2023-09-01", note_en="Lift work started")
    for path in ("/zh/plans/2023-city-management/feed.atom", "/en/plans/2023-city-management/items/2.3/feed.atom"):
        plain = app.test_client().get(path)
        client = app.test_client()
        client.set_cookie("care", "1")
        care = client.get(path)
        assert (plain.status_code, care.status_code) == (200, 200) and plain.data == care.data, path
        assert plain.headers["ETag"] == care.headers["ETag"], path
        assert client.get(path, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304, path
