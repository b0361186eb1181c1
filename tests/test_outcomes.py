"""What became of each promise (#12.6): recording an item's outcome, where it shows, carry-over links."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import csrf_from, hidden_fields, text_of
from staff_support import audit_entries

PLAN = "2023-city-management"
LATER = "2024-city-management"
FORM = f"/staff/plans/{PLAN}/items/2.3/outcome"


def post_outcome(client, data: dict, code: str = "2.3", slug: str = PLAN):
    url = f"/staff/plans/{slug}/items/{code}/outcome"
    page = client.get(url)
    return client.post(url, data={**hidden_fields(page.data), **data})


COMPLETED_23 = {"result": "completed", "note_zh": "35台完成意愿征询，25台开工，25台竣工。",
                "note_en": "35 consulted, 25 started, 25 completed.",
                "figure_consultations": "35", "figure_starts": "25", "figure_completions": "25"}


def outcome_row(app, code: str = "2.3", slug: str = PLAN):
    from portal.services.outcomes import outcome_of

    with app.app_context():
        return outcome_of(slug, code)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_record_an_outcome_and_it_is_audited(app, staff_client, role):
    c = staff_client(role)
    assert c.get(FORM).status_code == 200
    assert post_outcome(c, COMPLETED_23).status_code == 302
    row = outcome_row(app)
    assert (row.result, row.figures) == ("completed", {"consultations": 35, "starts": 25, "completions": 25})
    changed = {**COMPLETED_23, "result": "partly_completed", "figure_completions": "20"}
    assert post_outcome(c, changed).status_code == 302
    entries = audit_entries(app, "item.outcome")
    assert [e.target_id for e in entries] == ["2.3", "2.3"]
    assert entries[0].before is None and entries[1].before["result"] == "completed"
    assert entries[1].after["result"] == "partly_completed" and entries[1].after["figures"]["completions"] == 20


def test_moderators_get_403_and_visitors_the_login_page(app, client, staff_client):
    moderator = staff_client("moderator")
    assert moderator.get(FORM).status_code == 403
    assert moderator.post(FORM, data=COMPLETED_23).status_code in (400, 403)
    assert moderator.get("/staff/plans").status_code == 403
    answer = client.get(FORM)
    assert answer.status_code == 302 and "/staff/login" in answer.headers["Location"]
    assert outcome_row(app) is None


def test_refused_before_the_plans_year_is_over(app_factory):
    app = app_factory(PORTAL_TODAY="2023-12-31")
    from conftest import login, make_staff

    make_staff(app, "early-editor", "editor")
    c = app.test_client()
    login(c, "early-editor")
    c.set_cookie("lang", "en")
    page = c.get(FORM)
    assert "from 1 January 2024" in text_of(page.data) and 'name="note_zh"' not in page.get_data(as_text=True)
    assert c.post(FORM, data={**COMPLETED_23, "csrf_token": csrf_from(c.get("/staff/plans").data)}).status_code == 400
    assert outcome_row(app) is None


def _error_of(html: str, field: str) -> str:
    m = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
    return m.group(1).strip() if m else ""


def test_validation_errors_are_named_beside_each_field(app, staff_client):
    c = staff_client("editor")
    c.set_cookie("lang", "en")
    bad = {"result": "carried_over", "note_zh": "", "figure_starts": "2.5", "figure_completions": "-1",
           "figure_consultations": "many", "continued_by": ""}
    answer = post_outcome(c, bad)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and outcome_row(app) is None
    assert "in Chinese" in _error_of(html, "note_zh")
    assert "whole number" in _error_of(html, "figure_starts")
    assert "negative" in _error_of(html, "figure_completions")
    assert "number" in _error_of(html, "figure_consultations")
    assert "later plan" in _error_of(html, "continued_by")
    not_carried = post_outcome(c, {**COMPLETED_23, "continued_by": f"{LATER}/2.1"}).get_data(as_text=True)
    assert "Only carried-over" in _error_of(not_carried, "continued_by")
    unknown = post_outcome(c, {**COMPLETED_23, "result": "carried_over", "continued_by": "2099-x/1.1"})
    assert "no plan" in _error_of(unknown.get_data(as_text=True), "continued_by")
    assert post_outcome(c, {**COMPLETED_23, "result": "finished"}).status_code == 400


def test_no_outcome_shows_until_recorded_then_first_on_the_item_page(app, client, staff_client):
    before = client.get(f"/en/plans/{PLAN}/items/2.3").get_data(as_text=True)
    assert 'id="h-outcome"' not in before
    post_outcome(staff_client("editor"), COMPLETED_23)
    for lang, words, figure in (("en", "35 consulted, 25 started", "Lifts started: 25 of 25 lifts"),
                                ("zh", "35台完成意愿征询", "加装电梯开工：完成25，目标25台")):
        html = client.get(f"/{lang}/plans/{PLAN}/items/2.3").get_data(as_text=True)
        assert html.index('id="h-outcome"') < html.index('class="status-line"')
        shown = text_of(html)
        assert words in shown and figure in shown
        assert ("Outcome" if lang == "en" else "完成情况") in shown


def _record_many(app):
    from portal.states import OutcomeKind
    from portal.services.content import content
    from portal.services.outcomes import record_outcome

    with app.app_context():
        plan = content().plan
        record_outcome(plan, "2.3", OutcomeKind.COMPLETED, {"starts": 25}, "完成。", None, None)
        record_outcome(plan, "2.4", OutcomeKind.PARTLY, {}, "部分完成。", None, None)
        record_outcome(plan, "1.1", OutcomeKind.COMPLETED, {}, "完成。", None, None)
        section2 = content().section(2)
        offices = [o for o in content().offices if content().items_by_office(o.slug)]
        return len(section2.items), {o.slug: content().items_by_office(o.slug) for o in offices}


def test_dashboard_counts_outcomes_by_area_and_office(app, client):
    assert 'id="h-outcomes"' not in client.get(f"/en/plans/{PLAN}/progress").get_data(as_text=True)
    area_total, by_office = _record_many(app)
    shown = text_of(client.get(f"/en/plans/{PLAN}/progress").data)
    assert "2 of 30 completed" in shown and "outcomes recorded for 3" in shown
    assert f"1 of {area_total} completed" in shown  # area 2: 2.3 completed, 2.4 partly
    done = {"2.3", "1.1"}
    for slug, items in by_office.items():
        n = sum(1 for i in items if i.code in done)
        assert f"{n} of {len(items)} completed" in shown, slug
    assert "30项中已完成2项" in text_of(client.get(f"/zh/plans/{PLAN}/progress").data)


def test_api_item_has_an_outcome_object_null_until_recorded(app, client):
    assert client.get("/api/v1/items/2.3").get_json()["outcome"] is None
    _record_many(app)
    one = client.get("/api/v1/items/2.3").get_json()["outcome"]
    assert one["result"] == "completed" and one["figures"] == [{"target": "starts", "value": 25}]
    assert one["label"] == {"zh": "已完成", "en": "Completed"} and one["note"] == {"zh": "完成。", "en": ""}
    listed = {i["code"]: i["outcome"] for i in client.get("/api/v1/items").get_json()["items"]}
    assert listed["2.4"]["result"] == "partly_completed" and listed["3.1"] is None
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "outcome" in schema["Item"]["required"] and "Outcome" in schema


# --- carry-over: a second plan written by the test into a copy of content/ --------------------------

@pytest.fixture
def two_plans(tmp_path):
    """content/ copied, plus the 2024 notice of test_plans_import imported as a second plan whose
    item 2.1 (lift consultations) declares that it continues 2023 item 2.3."""
    from test_plans_import import content_with_2024

    dest = content_with_2024(tmp_path, LATER)
    item = dest / "plans" / LATER / "items" / "2.1.yaml"
    data = yaml.safe_load(item.read_text(encoding="utf-8"))
    item.write_text(yaml.safe_dump({**data, "continues": f"{PLAN}/2.3"}, allow_unicode=True), encoding="utf-8")
    return dest


def _publish(content_root: Path, slug: str) -> None:
    path = content_root / "plans" / slug / "plan.yaml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**plan, "published": True}, allow_unicode=True), encoding="utf-8")


def _editor(app):
    from conftest import login, make_staff

    make_staff(app, "carry-editor", "editor")
    c = app.test_client()
    login(c, "carry-editor")
    c.set_cookie("lang", "en")
    return c


def test_carry_over_links_both_ways(app_factory, two_plans):
    _publish(two_plans, LATER)
    app = app_factory(CONTENT_DIR=str(two_plans), CURRENT_PLAN=PLAN)
    client = app.test_client()
    later_page, earlier_page = f"/en/plans/{LATER}/items/2.1", f"/en/plans/{PLAN}/items/2.3"
    # Declared in the content file only: the later item shows the earlier item's targets, and back.
    before = text_of(client.get(later_page).data)
    assert "Continues 2023 item 2.3" in before and "Lifts started: target 25 lifts" in before
    forward = client.get(earlier_page).get_data(as_text=True)
    assert f'href="/en/plans/{LATER}/items/2.1"' in forward and "Continued by" in text_of(forward)

    c = _editor(app)
    wrong = post_outcome(c, {**COMPLETED_23, "result": "carried_over", "continued_by": f"{LATER}/9.9"})
    assert "no work point with this code" in _error_of(wrong.get_data(as_text=True), "continued_by")
    older = post_outcome(c, {**COMPLETED_23, "result": "carried_over", "continued_by": f"{PLAN}/2.4"})
    assert "later plan" in _error_of(older.get_data(as_text=True), "continued_by")
    done = post_outcome(c, {**COMPLETED_23, "result": "carried_over", "continued_by": f"{LATER}/2.1"})
    assert done.status_code == 302

    after = client.get(later_page).get_data(as_text=True)
    assert "Continues 2023 item 2.3" in text_of(after) and "Lifts started: 25 of 25 lifts" in text_of(after)
    assert f'href="{earlier_page}"' in after and "Its outcome: Carried over" in text_of(after)
    zh = text_of(client.get(f"/zh/plans/{LATER}/items/2.1").data)
    assert "延续 2023年第2.3项" in zh and "加装电梯开工：完成25，目标25台" in zh
    assert text_of(client.get(earlier_page).data).count("2024 item 2.1") == 1


def test_an_item_of_a_plan_that_is_not_current_takes_its_own_outcome(app_factory, two_plans):
    """Both plans have a 2.2: the later plan's outcome is that plan's alone, on its page and in its API."""
    from portal.extensions import db
    from portal.models import WorkItem

    _publish(two_plans, LATER)
    app = app_factory(CONTENT_DIR=str(two_plans), CURRENT_PLAN=PLAN)
    later = {"result": "completed", "note_zh": "完成。", "note_en": "Done."}
    assert post_outcome(_editor(app), later, code="2.2", slug=LATER).status_code == 302
    row = outcome_row(app, "2.2", LATER)
    with app.app_context():
        assert db.session.get(WorkItem, row.work_item_id).plan == LATER
    assert outcome_row(app, "2.2", PLAN) is None
    client = app.test_client()
    assert client.get(f"/api/v1/plans/{LATER}/items/2.2").get_json()["outcome"]["result"] == "completed"
    assert client.get("/api/v1/items/2.2").get_json()["outcome"] is None
    assert 'id="h-outcome"' in client.get(f"/en/plans/{LATER}/items/2.2").get_data(as_text=True)
    assert 'id="h-outcome"' not in client.get(f"/en/plans/{PLAN}/items/2.2").get_data(as_text=True)


def test_a_plan_not_published_is_named_without_a_link_and_still_takes_outcomes(app_factory, two_plans):
    from portal.extensions import db
    from portal.models import WorkItem

    app = app_factory(CONTENT_DIR=str(two_plans))  # the 2024 plan is imported, not published
    page = app.test_client().get(f"/en/plans/{PLAN}/items/2.3").get_data(as_text=True)
    assert "Continued by" in text_of(page) and "2024 item 2.1" in text_of(page)
    assert f"/plans/{LATER}/" not in page
    later = {"result": "completed", "note_zh": "完成。", "note_en": ""}
    assert post_outcome(_editor(app), later, code="2.2", slug=LATER).status_code == 302
    with app.app_context():
        assert db.session.get(WorkItem, outcome_row(app, "2.2", LATER).work_item_id).plan == LATER


def test_continues_must_name_an_earlier_plan(two_plans):
    from portal.content import ContentError, load_content
    from portal.services.plans import check_plans

    item = two_plans / "plans" / LATER / "items" / "2.2.yaml"
    data = yaml.safe_load(item.read_text(encoding="utf-8"))
    item.write_text(yaml.safe_dump({**data, "continues": f"{PLAN}/9.9"}, allow_unicode=True), encoding="utf-8")
    [check] = check_plans(two_plans, LATER)
    assert any("continues: no work point 2023-city-management/9.9" in e for e in check.errors)
    item.write_text(yaml.safe_dump({**data, "continues": f"{LATER}/2.1"}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="not an earlier plan"):
        load_content(two_plans, LATER)


def test_pages_with_outcomes_are_valid_html(app, client, staff_client, tmp_path):
    from test_html_validity import _need_vnu, vnu_errors

    java = _need_vnu()
    _record_many(app)
    editor = staff_client("editor")
    invalid = post_outcome(editor, {"result": "completed", "note_zh": "", "figure_starts": "2.5"})
    pages = {"item-en": client.get(f"/en/plans/{PLAN}/items/2.3").data, "item-zh": client.get(f"/zh/plans/{PLAN}/items/2.3").data,
             "progress": client.get(f"/zh/plans/{PLAN}/progress").data, "form-errors": invalid.data,
             "staff-plans": editor.get("/staff/plans").data, "staff-plan": editor.get(f"/staff/plans/{PLAN}").data}
    files = []
    for name, body in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(body)
        files.append(path)
    assert vnu_errors(java, files) == []


def test_recording_an_outcome_changes_the_public_pages_etag(app, client, staff_client):
    """Caches revalidate against the data version; an outcome is shown on public pages, so it must bump it."""
    first = client.get("/en/plans/2023-city-management/items/2.3")
    assert client.get("/en/plans/2023-city-management/items/2.3", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    post_outcome(staff_client("editor"), COMPLETED_23)
    assert client.get("/en/plans/2023-city-management/items/2.3", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_a_mangled_version_on_a_first_outcome_saves_it_not_an_error_page(app, staff_client):
    # No outcome saved yet and a `seen` that is not the page's "none" (a hand-edited or truncated form):
    # with nothing saved there is no colleague's work to keep, as for the other versioned forms.
    c = staff_client("editor")
    page = c.get(FORM)
    answer = c.post(FORM, data={**hidden_fields(page.data), **COMPLETED_23, "seen": "2026-01-0"})
    assert answer.status_code == 302
    assert outcome_row(app).result == "completed"
    assert len(audit_entries(app, "item.outcome")) == 1


def test_a_percentage_achieved_is_taken_with_its_percent_sign_as_in_the_item_form(app, staff_client):
    c = staff_client("editor")
    c.set_cookie("lang", "en")
    url = f"/staff/plans/{PLAN}/items/4.1/outcome"
    data = {"result": "completed", "note_zh": "居住区达标率保持在95%以上。", "figure_compliance_rate": "96.5%"}
    assert c.post(url, data={**hidden_fields(c.get(url).data), **data}).status_code == 302
    assert outcome_row(app, "4.1").figures == {"compliance_rate": 96.5}
    # Full width, as a Chinese input method types it; and a percent sign on a count is said to be one.
    data.update(figure_compliance_rate="９７％", figure_model_estates="12%")
    answer = c.post(url, data={**hidden_fields(c.get(url).data), **data})
    assert answer.status_code == 400
    assert "not a percentage" in _error_of(answer.get_data(as_text=True), "figure_model_estates")
    del data["figure_model_estates"]
    assert c.post(url, data={**hidden_fields(c.get(url).data), **data}).status_code == 302
    assert outcome_row(app, "4.1").figures == {"compliance_rate": 97}
