"""Atom feeds per work point, project site, place, office and action area: one service builds them all,
each is linked from its page (head and a visible link), and a feed parser reads every kind."""
from __future__ import annotations

import feedparser
import pytest

from progress_support import add_site, editor, move_site, publish

PAGES = {
    "item": "/{lang}/plans/2023-city-management/items/2.3",
    "place": "/{lang}/plans/2023-city-management/places/gutong-sicun",
    "office": "/{lang}/plans/2023-city-management/offices/{office}",
    "area": "/{lang}/plans/2023-city-management/areas/{area}",
}


def _parse(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml", path
    feed = feedparser.parse(r.data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def _reply(app, code="2.3", site_id=None, place=None, text="将于三月开工。"):
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.services import feedback

    staff_id = editor(app)
    with app.test_request_context():
        fb = feedback.submit(code, body="什么时候开工？请告知时间。", kind="question", ip="192.0.2.40", lang="zh",
                             site_id=site_id, place_slug=place).feedback
        feedback.approve(fb, db.session.get(StaffUser, staff_id), reply=text)
        return fb.id


@pytest.fixture
def seeded(app):
    store = app.extensions["portal_content"]
    item = store.item("2.3")
    publish(app, "2.3", "in_progress", "完成意愿征询12台。", "2023-08-10", "Residents consulted on 12 lifts.")
    publish(app, "4.1", "completed", "达标。", "2023-12-01", "Done.")  # another item: in no 2.3 feed
    sid = add_site(app, "2.3", "甲楼加装电梯", "consultation", place="gutong-sicun", name_en="Lift, block A")
    move_site(app, sid, "construction", "2023-09-01", "开工")
    reply_id = _reply(app, site_id=sid)
    return {"site": sid, "reply": reply_id, "office": item.offices[0].slug, "area": item.section.number}


def test_every_kind_of_feed_parses_and_holds_its_own_updates(app, client, seeded):
    sid = seeded["site"]
    item = _parse(client, "/en/plans/2023-city-management/items/2.3/feed.atom")
    kinds = [e.tags[0].term for e in item.entries]
    assert sorted(kinds) == sorted(["consultation", "construction", "in_progress", "reply"])
    assert not any(e.title.startswith("4.1") for e in item.entries)
    reply = next(e for e in item.entries if e.tags[0].term == "reply")
    assert reply.title.endswith(": Official reply") and "将于三月开工。" in reply.content[0].value
    assert reply.link.endswith(f"/en/plans/2023-city-management/items/2.3/sites/{sid}#comment-{seeded['reply']}")

    site = _parse(client, f"/en/plans/2023-city-management/items/2.3/sites/{sid}/feed.atom")
    assert sorted(e.tags[0].term for e in site.entries) == sorted(["consultation", "construction", "reply"])
    assert site.feed.title == "Lift, block A: updates"

    place = _parse(client, "/zh/plans/2023-city-management/places/gutong-sicun/feed.atom")
    assert {e.tags[0].term for e in place.entries} >= {"construction", "reply"}
    assert place.feed.language == "zh-Hans"

    for kind in ("office", "area"):
        feed = _parse(client, PAGES[kind].format(lang="en", **seeded) + "/feed.atom")
        assert "in_progress" in [e.tags[0].term for e in feed.entries], kind


def test_one_update_has_one_id_in_every_feed(app, client, seeded):
    ids = []
    for path in ("/en/plans/2023-city-management/items/2.3/feed.atom", "/zh/plans/2023-city-management/places/gutong-sicun/feed.atom", "/plans/2023-city-management/feed.atom"):
        ids.append({e.id for e in _parse(client, path).entries if e.tags[0].term == "construction"})
    assert ids[0] == ids[1] == ids[2] and len(ids[0]) == 1


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_each_page_links_its_feed_in_the_head_and_visibly(app, client, seeded, kind):
    page = PAGES[kind].format(lang="en", **seeded)
    html = client.get(page).get_data(as_text=True)
    feed = f"{page}/feed.atom"
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html
    assert f'<a href="{feed}" type="application/atom+xml"' in html


def test_site_page_links_its_feed(app, client, seeded):
    path = f"/zh/plans/2023-city-management/items/2.3/sites/{seeded['site']}"
    assert f'href="{path}/feed.atom"' in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/en/plans/2023-city-management/items/99.9/feed.atom", "/en/plans/2023-city-management/places/nowhere/feed.atom",
                                  "/en/plans/2023-city-management/offices/nobody/feed.atom", "/en/plans/2023-city-management/areas/99/feed.atom",
                                  "/en/plans/2023-city-management/items/4.1/sites/1/feed.atom", "/en/plans/2023-city-management/items/2.3/sites/999/feed.atom",
                                  "/fr/items/2.3/feed.atom"])
def test_unknown_things_have_no_feed(app, client, path):
    """A missing feed was answered with the HTML error page (about 6 KB, scripts and menus): a feed reader
    wants one short plain line, in the feed's language."""
    add_site(app, "2.3", "甲楼", "consultation")
    r = client.get(path)
    assert r.status_code == 404 and r.mimetype == "text/plain" and r.mimetype_params["charset"] == "utf-8"
    assert r.get_data(as_text=True).startswith("404 ") and "<" not in r.get_data(as_text=True) and len(r.data) < 200


def test_a_missing_feed_says_so_in_its_language_and_the_api_keeps_json(client):
    zh = client.get("/zh/plans/2023-city-management/items/9.99/feed.atom")
    # The language's own colon: "未找到订阅源: 此地址…" mixed an English colon into a Chinese line.
    assert zh.status_code == 404 and zh.get_data(as_text=True) == "404 未找到订阅源：此地址没有订阅源。\n"
    en = client.get("/en/plans/2023-city-management/items/9.99/feed.atom")
    assert en.get_data(as_text=True) == "404 Feed not found: There is no feed at this address.\n"
    api = client.get("/api/v1/items/9.99")
    assert api.status_code == 404 and api.is_json and api.get_json()["error"]["code"] == 404
    page = client.get("/zh/plans/2023-city-management/items/9.99")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_a_reply_is_dated_by_the_towns_day_in_the_feed_as_on_the_page(app, client):
    """Times are stored in UTC; a reply written at 07:30 in Shanghai on 2 March is 23:30 UTC on 1 March. The
    page shows 2024-03-02 (Shanghai dates, BABEL_DEFAULT_TIMEZONE); the feed said "Happened on 2024-03-01"."""
    from datetime import datetime

    from conftest import text_of
    from portal.extensions import db
    from portal.models import Feedback

    reply_id = _reply(app)
    with app.app_context():
        db.session.get(Feedback, reply_id).replied_at = datetime(2024, 3, 1, 23, 30)
        db.session.commit()
    page = text_of(client.get(PAGES["item"].format(lang="en")).data)
    assert "Official reply · 2024-03-02" in page
    feed = _parse(client, PAGES["item"].format(lang="en") + "/feed.atom")
    (entry,) = [e for e in feed.entries if e.tags[0].term == "reply"]
    assert "2024-03-02" in entry.content[0].value and "2024-03-01" not in entry.content[0].value
