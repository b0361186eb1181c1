"""Feeds and open data: Atom feeds read by a feed parser, the CSV read back with its Chinese intact,
and the item API with history and sites checked against the OpenAPI document."""
from __future__ import annotations

import csv
import io

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from progress_support import add_site, move_site, publish
from test_api import _validator


def _parse(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = feedparser.parse(r.data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_empty_feeds_are_valid_atom(client):
    for path in ("/plans/2023-city-management/feed.atom", "/zh/plans/2023-city-management/feed.atom", "/en/plans/2023-city-management/feed.atom"):
        feed = _parse(client, path)
        assert feed.version == "atom10" and feed.entries == []
        assert feed.feed.title


def test_feed_lists_updates_newest_first_with_links(app, client):
    publish(app, "2.3", "in_progress", "完成意愿征询12台。", "2023-08-10", "Residents consulted on 12 lifts.")
    publish(app, "4.1", "completed", "达标率达到95%。", "2023-12-01", "95% of areas meet the standard.")
    feed = _parse(client, "/en/plans/2023-city-management/feed.atom")
    assert [e.title for e in feed.entries] == [
        "4.1 Household waste sorting: 95% compliance and new model sites: Completed",
        f"2.3 {app.extensions['portal_content'].item('2.3').title.en}: In progress",
    ]
    first = feed.entries[0]
    assert first.link.startswith("http://localhost/en/plans/2023-city-management/items/4.1#update-")
    assert "95% of areas meet the standard." in first.content[0].value and "2023-12-01" in first.content[0].value
    assert first.tags[0].term == "completed"
    assert feed.feed.language == "en"

    zh = _parse(client, "/zh/plans/2023-city-management/feed.atom")
    assert zh.entries[0].title.startswith("4.1 ") and "达标率达到95%。" in zh.entries[0].content[0].value
    assert zh.entries[0].id == first.id  # one update, one id, whatever the language

    both = _parse(client, "/plans/2023-city-management/feed.atom")
    assert "达标率达到95%。" in both.entries[0].content[0].value
    assert "95% of areas meet the standard." in both.entries[0].content[0].value


def test_feed_escapes_markup_in_notes(app, client):
    publish(app, "2.2", "in_progress", "<script>alert(1)</script> & 更新", "2023-08-01")
    r = client.get("/zh/plans/2023-city-management/feed.atom")
    assert b"<script>" not in r.data
    assert "<script>alert(1)</script> & 更新" in _parse(client, "/zh/plans/2023-city-management/feed.atom").entries[0].content[0].value


def test_feed_has_site_stage_entries(app, client):
    sid = add_site(app, "2.3", "甲楼加装电梯", "consultation", name_en="Lift, block A")
    move_site(app, sid, "construction", "2023-09-01", "开工")
    feed = _parse(client, "/en/plans/2023-city-management/feed.atom")
    assert feed.entries[0].title.endswith("Lift, block A: Under construction")
    assert f"/en/plans/2023-city-management/items/2.3/sites/{sid}#stage-" in feed.entries[0].link


def test_unknown_language_feed_is_404(client):
    assert client.get("/fr/feed.atom").status_code == 404


def test_feed_is_linked_from_every_page_head(client):
    html = client.get("/en/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" href="/en/plans/2023-city-management/feed.atom"' in html


def test_feed_supports_conditional_get(client):
    r = client.get("/plans/2023-city-management/feed.atom")
    again = client.get("/plans/2023-city-management/feed.atom", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def _csv(client):
    r = client.get("/api/v1/items.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))


def test_csv_has_every_item_with_chinese_intact(app, client):
    publish(app, "2.3", "in_progress", "完成意愿征询12台，开工3台。", "2023-08-10", "12 consulted, 3 started.",
            progress={"consultations": 12, "starts": 3})
    rows = _csv(client)
    assert len(rows) == 30
    row = next(r for r in rows if r["code"] == "2.3")
    item = app.extensions["portal_content"].item("2.3")
    assert row["title_zh"] == item.title.zh == "老楼加装电梯"
    assert row["offices_zh"] == "、".join(o.name.zh for o in item.offices)
    assert row["status"] == "in_progress" and row["status_zh"] and row["status_en"] == "In progress"
    assert row["last_note_zh"] == "完成意愿征询12台，开工3台。" and row["last_update_on"] == "2023-08-10"
    assert row["progress"] == "consultations=12/35; starts=3/25"
    assert row["url_en"] == "http://localhost/en/plans/2023-city-management/items/2.3"
    untouched = next(r for r in rows if r["code"] == "1.1")
    assert untouched["status"] == "no_report" and untouched["status_en"] == "No progress report published yet"
    assert untouched["deadline_passed"] == "yes"


def test_csv_neutralises_spreadsheet_formulas(app, client):
    publish(app, "2.2", "in_progress", "=HYPERLINK(\"http://x\")", "2023-08-01")
    row = next(r for r in _csv(client) if r["code"] == "2.2")
    assert row["last_note_zh"] == "'=HYPERLINK(\"http://x\")"


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_item_api_with_history_and_sites_matches_the_schema(app, client, spec):
    publish(app, "2.3", "in_progress", "完成意愿征询。", "2023-08-10", progress={"consultations": 12})
    publish(app, "2.3", "delayed", "因施工许可推迟。", "2023-09-10")
    sid = add_site(app, "2.3", "甲楼加装电梯", "construction", target="starts", place="gutong-sicun",
                   building="5号楼", name_en="Lift, block A")
    item = client.get("/api/v1/items/2.3").get_json()
    _validator(spec, "Item").validate(item)
    assert item["status"]["code"] == "delayed"
    assert [h["status"] for h in item["history"]] == ["delayed", "in_progress"]
    assert item["sites"][0]["id"] == sid and item["sites"][0]["place"]["zh"] == "古桐四村"
    assert item["sites"][0]["url"]["en"] == f"/en/plans/2023-city-management/items/2.3/sites/{sid}"
    targets = {t["key"]: (t["progress"], t["progress_source"]) for t in item["targets"]}
    assert targets["consultations"] == (1, "sites") and targets["starts"] == (1, "sites")

    for listed in client.get("/api/v1/items").get_json()["items"]:
        _validator(spec, "Item").validate(listed)


def test_openapi_documents_the_new_paths(spec):
    for path in ("/api/v1/items.csv", "/feed.atom", "/{lang}/feed.atom", "/api/v1/items/{code}"):
        assert path in spec["paths"]
    assert "Site" in spec["components"]["schemas"]
    assert "sites" in spec["components"]["schemas"]["Item"]["required"]
    assert "text/csv" in spec["paths"]["/api/v1/items.csv"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize("lang,said", [("en", "No progress report published yet. The deadline (December 2023) has passed."),
                                       ("zh", "尚未发布进展报告。时间节点（2023年12月）已过。")])
def test_a_work_point_feed_says_what_its_page_says_before_any_report(client, lang, said):
    """An item with no update whose deadline is past: its feed has no entry, and says why, as the page does."""
    feed = client.get(f"/{lang}/plans/2023-city-management/items/2.3/feed.atom").get_data(as_text=True)
    assert "<entry>" not in feed
    assert said in feed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# No NUL: PostgreSQL cannot store one at all (and the forms drop it); the other C0 characters it stores.
# No lone surrogate (codec="utf-8"): no form can send one (a request body is UTF-8) and no database stores one.
@given(note=st.text(st.characters(exclude_characters="\x00", codec="utf-8"), min_size=1, max_size=40))
def test_a_feed_is_well_formed_xml_whatever_a_note_holds(app, client, note):
    """XML 1.0 has no place for most control characters nor for U+FFFE/U+FFFF, and the feed writer refused
    the whole feed (a 500 for every reader of /feed.atom) for one of them in one note; the staff forms let
    U+FFFE and U+FFFF through, a note saved before the forms dropped control characters may hold any."""
    from lxml import etree

    publish(app, "2.2", "in_progress", "更新" + note, "2023-08-01", "Update " + note)
    for path in ("/plans/2023-city-management/feed.atom", "/en/plans/2023-city-management/items/2.2/feed.atom"):
        r = client.get(path)
        assert r.status_code == 200, (path, note)
        etree.fromstring(r.data)
