"""Project sites: stages and their history, progress counted from sites, staff forms, site pages with
their own comment thread, places."""
from __future__ import annotations

import re
from datetime import date

from conftest import csrf_from, hidden_fields, text_of
from progress_support import add_site, move_site, publish


def _targets(client, code):
    return {t["key"]: (t["progress"], t["progress_source"]) for t in client.get(f"/api/v1/items/{code}").get_json()["targets"]}


def test_lift_chain_counts_each_site_from_its_stage(app, client):
    a = add_site(app, "2.3", "甲楼加装电梯", "consultation", target="consultations")
    b = add_site(app, "2.3", "乙楼加装电梯", "construction", target="starts")
    add_site(app, "2.3", "丙楼加装电梯", "completed", target="completions")
    assert _targets(client, "2.3") == {"consultations": (3, "sites"), "starts": (2, "sites"), "completions": (1, "sites")}
    move_site(app, a, "construction", "2023-09-01")
    move_site(app, b, "completed", "2023-10-01")
    assert _targets(client, "2.3") == {"consultations": (3, "sites"), "starts": (3, "sites"), "completions": (2, "sites")}
    text = text_of(client.get("/en/plans/2023-city-management/items/2.3").data)
    assert "Counted from the projects below: 2 of 25" in text


def test_unchained_target_counts_completed_sites_filed_under_it(app, client):
    publish(app, "5.1.3", "in_progress", "已建成5个。", "2023-07-01", progress={"estates": 5})
    assert _targets(client, "5.1.3") == {"estates": (5, "reported")}
    s = add_site(app, "5.1.3", "某小区充电棚", "construction", target="estates")
    assert _targets(client, "5.1.3") == {"estates": (0, "sites")}
    move_site(app, s, "completed", "2023-08-01")
    assert _targets(client, "5.1.3") == {"estates": (1, "sites")}


def test_a_site_without_a_target_counts_for_nothing(app, client):
    add_site(app, "5.1.3", "某小区充电棚", "completed")
    assert _targets(client, "5.1.3") == {"estates": (None, None)}


def test_derived_target_cannot_be_typed_in(app, staff_client):
    from portal.models import StatusUpdate
    from portal.extensions import db

    add_site(app, "2.3", "甲楼加装电梯", "construction", target="starts")
    staff = staff_client("editor")
    staff.set_cookie("lang", "en")
    page = staff.get("/staff/items/2.3")
    html = page.get_data(as_text=True)
    assert 'name="progress_starts"' not in html and 'name="progress_consultations"' not in html
    assert "counted from the projects" in html
    r = staff.post("/staff/items/2.3", data={**hidden_fields(page.data), "status": "in_progress",
                                             "note_zh": "开工", "happened_on": "2023-09-01", "progress_starts": "9"})
    assert r.status_code == 400
    assert "counted from its project sites" in text_of(r.data)
    with app.app_context():
        assert db.session.query(StatusUpdate).count() == 0


def test_stage_history_newest_first_and_back_dated_stage_is_history(app, client):
    s = add_site(app, "2.3", "甲楼加装电梯", "consultation", on="2023-07-01")
    move_site(app, s, "completed", "2023-12-01", "竣工验收")
    move_site(app, s, "construction", "2023-09-01", "补记开工")
    site = client.get("/api/v1/items/2.3").get_json()["sites"][0]
    assert site["stage"]["code"] == "completed"
    assert [h["stage"] for h in site["history"]] == ["completed", "construction", "consultation"]
    assert site["stage"]["label"] == {"zh": site["stage"]["label"]["zh"], "en": "Completed"}


def test_site_rules_are_checked(app):
    """The rules the site forms' validators and the spreadsheet check share."""
    from portal.rules.records import site_problems, stage_problems
    from portal.services.content import content

    today = date(2023, 9, 1)
    with app.app_context():
        errors = site_problems(content().item("2.3"), {"gutong-sicun"}, "nope", "", None, "atlantis", "x" * 101,
                               "planning", date(2023, 6, 1), today)
        assert set(errors) == {"target_key", "name_zh", "place_slug", "building", "stage", "happened_on"}
        assert site_problems(content().item("2.3"), {"gutong-sicun"}, "starts", "甲楼", None, "gutong-sicun", "5号楼",
                             "construction", today, today) == {}
    assert set(stage_problems("demolished", None, "x" * 2001, date(2099, 1, 1), today)) == {
        "stage", "note_en", "happened_on"}


def test_editor_adds_a_site_and_moves_it_through_the_form(app, client, staff_client):
    from portal.extensions import db
    from portal.models import AuditLog, ProjectSite

    staff = staff_client("editor")
    r = staff.post("/staff/items/2.3/sites", data={
        **hidden_fields(staff.get("/staff/items/2.3").data), "site-name_zh": "古桐四村5号楼加装电梯", "site-name_en": "Lift, building 5",
        "site-target_key": "consultations", "site-place_slug": "gutong-sicun", "site-building": "5号楼",
        "site-stage": "consultation", "site-happened_on": "2023-08-01", "site-note_zh": "启动征询"})
    assert r.status_code == 302
    with app.app_context():
        site = db.session.query(ProjectSite).one()
        sid = site.id
        assert (site.place_slug, site.building, site.stage) == ("gutong-sicun", "5号楼", "consultation")
    r = staff.post(f"/staff/items/2.3/sites/{sid}/stage", data={
        **hidden_fields(staff.get("/staff/items/2.3").data), f"s{sid}-stage": "construction", f"s{sid}-happened_on": "2023-10-08",
        f"s{sid}-note_zh": "已开工", f"s{sid}-note_en": "Building work started"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#site-{sid}")
    with app.app_context():
        assert db.session.get(ProjectSite, sid).stage == "construction"
        actions = [a.action for a in db.session.query(AuditLog).order_by(AuditLog.id)]
        assert actions[-2:] == ["site.create", "site.stage"]

    page = text_of(client.get(f"/en/plans/2023-city-management/items/2.3/sites/{sid}").data)
    assert "Under construction" in page and "Building work started" in page and "Gutong Sicun" in page
    item_page = text_of(client.get("/en/plans/2023-city-management/items/2.3").data)
    assert "Lift, building 5" in item_page and "Under construction" in item_page
    place = text_of(client.get("/en/plans/2023-city-management/places/gutong-sicun").data)
    assert "Lift, building 5" in place and "Under construction" in place and "2.3" in place


def test_bad_site_input_is_shown_beside_fields(app, staff_client):
    from portal.extensions import db
    from portal.models import ProjectSite

    staff = staff_client("editor")
    staff.set_cookie("lang", "en")
    r = staff.post("/staff/items/2.3/sites", data={
        **hidden_fields(staff.get("/staff/items/2.3").data), "site-name_zh": "", "site-target_key": "bogus", "site-place_slug": "",
        "site-stage": "consultation", "site-happened_on": "2030-01-01"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert re.search(r'id="site-name_zh-error">[^<]*Please give the name in Chinese', html)
    assert re.search(r'id="site-target_key-error">[^<]*no such target', html)
    assert re.search(r'id="site-happened_on-error">[^<]*future', html)
    with app.app_context():
        assert db.session.query(ProjectSite).count() == 0


def test_moderator_cannot_touch_sites(app, staff_client):
    sid = add_site(app, "2.3", "甲楼", "consultation")
    mod = staff_client("moderator")
    token = csrf_from(mod.get("/staff/").data)
    assert mod.post("/staff/items/2.3/sites", data={"site-csrf_token": token, "site-name_zh": "乙",
                                                    "site-stage": "consultation"}).status_code == 403
    assert mod.post(f"/staff/items/2.3/sites/{sid}/stage", data={f"s{sid}-csrf_token": token,
                                                                 f"s{sid}-stage": "completed"}).status_code == 403


def test_site_page_has_its_own_comment_thread(app, client):
    from portal.extensions import db
    from portal.models import Feedback

    sid = add_site(app, "2.3", "甲楼加装电梯", "consultation", name_en="Lift, block A")
    page = client.get(f"/en/plans/2023-city-management/items/2.3/sites/{sid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'name="site_id" value="{sid}"' in html
    r = client.post("/en/plans/2023-city-management/items/2.3/feedback", data={
        "csrf_token": csrf_from(html), "site_id": str(sid), "body": "这部电梯什么时候开工？", "kind": "question",
        "place": ""})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.query(Feedback).one().site_id == sid


def test_comment_errors_on_a_site_page_stay_on_the_site_page(app, client):
    sid = add_site(app, "2.3", "甲楼加装电梯", "consultation", name_en="Lift, block A")
    html = client.get(f"/en/plans/2023-city-management/items/2.3/sites/{sid}").get_data(as_text=True)
    r = client.post("/en/plans/2023-city-management/items/2.3/feedback", data={"csrf_token": csrf_from(html), "site_id": str(sid),
                                                    "body": "", "kind": "question", "place": ""})
    assert r.status_code == 400
    assert "Lift, block A" in text_of(r.data) and f'name="site_id" value="{sid}"' in r.get_data(as_text=True)


def test_a_site_of_another_item_is_refused(app, client):
    sid = add_site(app, "2.3", "甲楼加装电梯", "consultation")
    html = client.get("/en/plans/2023-city-management/items/2.2").get_data(as_text=True)
    r = client.post("/en/plans/2023-city-management/items/2.2/feedback", data={"csrf_token": csrf_from(html), "site_id": str(sid),
                                                    "body": "这是一条留言。", "kind": "question", "place": ""})
    # Refused, nothing stored: the site's own page comes back with the text (a renumbered plan moves sites;
    # tests/test_feedback_flow.py::test_a_comment_on_a_project_site_whose_work_point_was_renumbered_is_kept).
    assert r.status_code == 409 and 'action="/en/plans/2023-city-management/items/2.3/feedback' in r.get_data(as_text=True)
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        assert db.session.query(Feedback).count() == 0
    assert client.get(f"/en/plans/2023-city-management/items/2.2/sites/{sid}").status_code == 404
    assert client.get("/en/plans/2023-city-management/items/2.3/sites/999").status_code == 404


def test_place_page_says_when_it_has_no_projects(client):
    text = text_of(client.get("/en/plans/2023-city-management/places/gutong-sicun").data)
    assert "No projects have been published for this place yet." in text


def test_places_index_counts_projects(app, client):
    add_site(app, "2.3", "甲楼加装电梯", "consultation", place="gutong-sicun")
    add_site(app, "5.1.3", "某小区充电棚", "completed", place="gutong-sicun")
    text = text_of(client.get("/en/plans/2023-city-management/places/").data)
    assert "Gutong Sicun residential community 1 work point · 2 projects" in text
