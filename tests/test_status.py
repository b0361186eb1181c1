"""Publishing status and progress: who may, what is checked, what is kept, and where it shows."""
from __future__ import annotations

import re

import pytest

from conftest import csrf_from, hidden_fields, text_of
from progress_support import publish


def _form(client, code="2.3", **fields):
    page = client.get(f"/staff/items/{code}")
    assert page.status_code == 200
    data = {**hidden_fields(page.data), "status": "in_progress", "note_zh": "已完成意愿征询。",
            "note_en": "Residents consulted.", "happened_on": "2023-09-01", **fields}
    return client.post(f"/staff/items/{code}", data=data)


def _count(app, model):
    from portal.extensions import db

    with app.app_context():
        return db.session.query(model).count()


def test_editor_update_shows_within_one_request_everywhere(app, client, staff_client):
    r = _form(staff_client("editor"), progress_consultations="12")
    assert r.status_code == 302 and r.headers["Location"].endswith("/staff/items/2.3")

    page = text_of(client.get("/en/plans/2023-city-management/items/2.3").data)
    assert "In progress" in page and "Residents consulted." in page
    assert "Reported: 12 of 35" in page
    assert "No progress report published yet" not in page

    dash = text_of(client.get("/en/plans/2023-city-management/progress").data)
    assert "Residents consulted." in dash and "2.3" in dash

    feed = client.get("/en/plans/2023-city-management/feed.atom").get_data(as_text=True)
    assert "Residents consulted." in feed

    api = client.get("/api/v1/items/2.3").get_json()
    assert api["status"]["code"] == "in_progress"
    assert api["history"][0]["note"] == {"zh": "已完成意愿征询。", "en": "Residents consulted."}
    assert {t["key"]: t["progress"] for t in api["targets"]}["consultations"] == 12


def test_admin_may_update(staff_client):
    assert _form(staff_client("admin")).status_code == 302


def test_moderator_is_refused(app, staff_client):
    from portal.models import StatusUpdate

    mod = staff_client("moderator")
    assert mod.get("/staff/items/").status_code == 403
    assert mod.get("/staff/items/2.3").status_code == 403
    token = csrf_from(mod.get("/staff/").data)
    r = mod.post("/staff/items/2.3", data={"csrf_token": token, "status": "completed", "note_zh": "完成",
                                           "happened_on": "2023-09-01"})
    assert r.status_code == 403
    assert _count(app, StatusUpdate) == 0


def test_anonymous_is_sent_to_login(app, client):
    from portal.models import StatusUpdate

    for path in ("/staff/items/", "/staff/items/2.3"):
        r = client.get(path)
        assert r.status_code == 302 and "/staff/login" in r.headers["Location"]
    # Without a session there is no CSRF token either; the post is refused before it reaches the view.
    r = client.post("/staff/items/2.3", data={"status": "completed", "note_zh": "完成", "happened_on": "2023-09-01"})
    assert r.status_code == 400  # Flask-WTF's CSRF check runs before any view, the login check included
    assert _count(app, StatusUpdate) == 0


def test_staff_list_shows_statuses(app, staff_client):
    publish(app, "4.1", "delayed", "因天气推迟。", "2023-08-01")
    staff = staff_client("editor")
    staff.set_cookie("lang", "en")
    page = text_of(staff.get("/staff/items/").data)
    row = re.search(r"4\.1 [^·]*?(Delayed|No progress report published yet)", page)
    assert row and row.group(1) == "Delayed"
    assert page.count("No progress report published yet") == 29


def test_history_is_newest_first_and_back_dated_entry_does_not_become_current(app, client):
    publish(app, "2.3", "in_progress", "第一次。", "2023-08-01", "First.")
    publish(app, "2.3", "completed", "第三次。", "2023-12-20", "Third.")
    publish(app, "2.3", "delayed", "补记：九月曾暂停。", "2023-09-10", "Back-dated: paused in September.")

    api = client.get("/api/v1/items/2.3").get_json()
    assert [h["note"]["en"] for h in api["history"]] == ["Third.", "Back-dated: paused in September.", "First."]
    assert api["status"]["code"] == "completed"
    page = client.get("/en/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert page.index("Third.") < page.index("Back-dated") < page.index("First.")


def test_a_correction_is_a_new_entry_and_the_first_is_kept(app, client):
    from portal.extensions import db
    from portal.models import StatusUpdate

    first = publish(app, "2.2", "completed", "已完成。", "2023-10-01", progress={"renovated_area": 110000})
    publish(app, "2.2", "in_progress", "更正：尚有一处未完工。", "2023-10-02", progress={"renovated_area": 90000})
    with app.app_context():
        rows = db.session.query(StatusUpdate).order_by(StatusUpdate.id).all()
        assert len(rows) == 2
        assert rows[0].id == first and rows[0].status == "completed" and rows[0].note_zh == "已完成。"
    api = client.get("/api/v1/items/2.2").get_json()
    assert api["status"]["code"] == "in_progress"
    assert api["targets"][0]["progress"] == 90000 and api["targets"][0]["progress_source"] == "reported"
    assert len(api["history"]) == 2


def test_latest_reported_value_per_target_is_kept_when_an_update_omits_it(app, client):
    publish(app, "2.3", "in_progress", "征询过半。", "2023-08-01", progress={"consultations": 20, "starts": 3})
    publish(app, "2.3", "in_progress", "开工增加。", "2023-09-01", progress={"starts": 9})
    targets = {t["key"]: t["progress"] for t in client.get("/api/v1/items/2.3").get_json()["targets"]}
    assert targets == {"consultations": 20, "starts": 9, "completions": None}


def test_update_writes_the_audit_log(app, staff_client):
    from portal.extensions import db
    from portal.models import AuditLog

    _form(staff_client("editor"), progress_starts="4")
    with app.app_context():
        entry = db.session.query(AuditLog).filter_by(action="item.update").one()
        assert entry.target_id == "2.3" and entry.username.startswith("editor")
        assert entry.before == {"status": None, "progress": {}}
        assert entry.after["status"] == "in_progress" and entry.after["progress"] == {"starts": 4.0}
        assert entry.after["entry"]["note_zh"] == "已完成意愿征询。"


@pytest.mark.parametrize("fields, field_id, message", [
    ({"status": "finished"}, "status", "Please choose one of the statuses."),
    ({"note_zh": "   "}, "note_zh", "Please say what changed, in Chinese."),
    ({"happened_on": "2026-11-25"}, "happened_on", "The date cannot be in the future."),
    ({"happened_on": "2023-06-20"}, "happened_on", "The date cannot be before the date of the notice."),
    ({"happened_on": "1 Sept"}, "happened_on", "Please give the date as YYYY-MM-DD."),
    ({"progress_starts": "-1"}, "progress_starts", "Progress cannot be negative."),
    ({"progress_starts": "251"}, "progress_starts", "This is more than ten times the target"),
    ({"progress_starts": "many"}, "progress_starts", "Please give a number."),
])
def test_bad_input_shows_the_error_beside_the_field_and_saves_nothing(app, staff_client, fields, field_id, message):
    from portal.models import AuditLog, StatusUpdate

    staff = staff_client("editor")
    staff.set_cookie("lang", "en")
    r = _form(staff, **fields)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    m = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    assert m and message in m.group(1)
    assert f'id="{field_id}"' in html and 'aria-invalid="true"' in html
    assert _count(app, StatusUpdate) == 0
    assert _count(app, AuditLog) == 1  # only the account creation


def test_unknown_target_is_refused(app, staff_client):
    from portal.models import StatusUpdate

    staff = staff_client("editor")
    staff.set_cookie("lang", "en")
    r = _form(staff, progress_lifts_painted="3")
    assert r.status_code == 400
    assert "This work point has no such target." in text_of(r.data)
    assert _count(app, StatusUpdate) == 0


def test_the_record_rules_find_every_problem_at_once(app):
    """What the spreadsheet check uses: the rules the form's validators call, on a whole update."""
    from datetime import date

    from portal.rules.records import update_problems
    from portal.services.content import content

    with app.app_context():
        errors, values = update_problems(content().item("2.3"), "done", "", None, date(2030, 1, 1),
                                         {"nope": 1, "starts": -2, "consultations": "3"}, set(), date(2023, 9, 1))
    assert set(errors) == {"status", "note_zh", "happened_on", "progress_nope", "progress_starts"}
    assert values == {"consultations": 3.0}


def test_percentage_targets_cannot_exceed_100(app, staff_client):
    from portal.models import StatusUpdate

    staff = staff_client("editor")
    staff.set_cookie("lang", "en")
    r = _form(staff, "4.1", progress_compliance_rate="101")
    assert r.status_code == 400
    assert re.search(r'id="progress_compliance_rate-error">[^<]*A percentage cannot be more than 100', r.get_data(as_text=True))
    assert _count(app, StatusUpdate) == 0


def test_deadline_passed_at_a_fixed_date(app_factory):
    early = app_factory(PORTAL_TODAY="2023-07-15")
    c = early.test_client()
    text = text_of(c.get("/en/plans/2023-city-management/items/5.1.3").data)  # deadline May 2023
    assert "No progress report published yet" in text and "has passed" in text
    text = text_of(c.get("/en/plans/2023-city-management/items/2.3").data)  # deadline December 2023
    assert "No progress report published yet" in text and "has passed" not in text
    assert c.get("/api/v1/items/5.1.3").get_json()["status"]["overdue"] is True
    assert c.get("/api/v1/items/2.3").get_json()["status"]["deadline_passed"] is False

    later = app_factory(PORTAL_TODAY="2024-01-01")
    assert "has passed" in text_of(later.test_client().get("/en/plans/2023-city-management/items/2.3").data)


def test_a_completed_item_is_not_overdue_but_a_reported_late_one_is(app_factory):
    app = app_factory(PORTAL_TODAY="2023-07-15")
    publish(app, "5.1.3", "completed", "23个小区全部完成。", "2023-06-30", progress={"estates": 23})
    publish(app, "1.2", "in_progress", "仍在创建。", "2023-07-01")  # deadline May 2023
    c = app.test_client()
    assert c.get("/api/v1/items/5.1.3").get_json()["status"]["overdue"] is False
    assert c.get("/api/v1/items/1.2").get_json()["status"]["overdue"] is True
    page = text_of(c.get("/en/plans/2023-city-management/items/5.1.3").data)
    assert "Completed" in page and "Reported: 23 of 23 (100%)" in page


def test_future_is_judged_by_portal_today(app_factory):
    from datetime import date

    from portal.rules.dates import day_problem
    from portal.services.clock import today

    app = app_factory(PORTAL_TODAY="2023-09-01")
    with app.app_context():
        assert day_problem(date(2023, 9, 2), today()) == "The date cannot be in the future."
        assert day_problem(date(2023, 9, 1), today()) is None


def test_search_finds_the_item_by_its_new_note(app, client):
    from portal.search.index import build

    with app.app_context():
        build()
    before = client.get("/api/v1/search?q=kingfisher&lang=en").get_json()
    assert before["total"] == 0
    publish(app, "3.2.1", "in_progress", "翠鸟栖息地旁的道路已拓宽。", "2023-09-01",
            "Road widened beside the kingfisher habitat.")
    after = client.get("/api/v1/search?q=kingfisher&lang=en").get_json()
    assert [r["code"] for r in after["results"]] == ["3.2.1"]
    filtered = client.get("/api/v1/search?q=road&lang=en&status=in_progress").get_json()
    assert "3.2.1" in [r["code"] for r in filtered["results"]]
