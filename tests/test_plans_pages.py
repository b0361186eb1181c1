"""Several plans side by side: the plan list, each plan's pages and API, old addresses (301 to the
current plan), and run-time records that belong to one plan's item even when another plan has its code."""
from __future__ import annotations

import re
from datetime import date

import pytest
import yaml
from flask import g, url_for

from portal.public.old_addresses import OLD_ADDRESSES
from conftest import hidden_fields, text_of
from public_pages import seed
from test_plans_import import SLUG, content_with_2024

FIRST = "2023-city-management"
SECTIONS_2024 = {"1": {"en": "Public spaces"}, "1.1": {"en": "Beautiful streets"}, "1.2": {"en": "Green communities"},
                 "2": {"en": "Housing estates"}, "2.1": {"en": "Lifts in existing buildings"},
                 "2.2": {"en": "Beautiful homes"}}


@pytest.fixture
def two_plans(app_factory, tmp_path):
    """The real content plus a 2024 notice written for these tests, imported and published; 2023 stays current."""
    root = content_with_2024(tmp_path)
    folder = root / "plans" / SLUG
    (folder / "sections.yaml").write_text(yaml.safe_dump(SECTIONS_2024, allow_unicode=True), encoding="utf-8")
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    (folder / "plan.yaml").write_text(yaml.safe_dump({**plan, "published": True}, allow_unicode=True), encoding="utf-8")
    return app_factory(CONTENT_DIR=str(root), CURRENT_PLAN=FIRST)


def test_the_plan_list_shows_every_plan_newest_first_with_year_number_and_statuses(two_plans):
    html = two_plans.test_client().get("/en/plans/").get_data(as_text=True)
    assert html.index("浦张府〔2024〕12号") < html.index("浦张府〔2023〕45号")
    assert "Year 2024" in html and "Year 2023" in html and "No progress report published yet 5" in html
    assert f'href="/en/plans/{SLUG}/"' in html and f'href="/en/plans/{FIRST}/"' in html


def test_each_plan_has_its_own_pages_and_the_home_links_to_the_others(two_plans):
    client = two_plans.test_client()
    new = client.get(f"/zh/plans/{SLUG}/items/2.2").get_data(as_text=True)
    old = client.get(f"/zh/plans/{FIRST}/items/2.2").get_data(as_text=True)
    assert "完成老旧小区综合改造" in new and "完成老旧小区综合改造" not in old
    for page in ("", "items/", "areas/2", "offices/", "months/", "months/2025-03", "places/", "progress", "notice",
                 "items/2.2/history"):
        assert client.get(f"/en/plans/{SLUG}/{page}").status_code == 200, page
    assert client.get(f"/en/plans/{SLUG}/areas/8").status_code == 404  # 2024 has two areas
    assert client.get("/en/plans/1999-nothing/items/2.2").status_code == 404
    home = client.get("/zh/").get_data(as_text=True)
    assert "浦张府〔2023〕45号" in home and f'href="/zh/plans/{SLUG}/"' in home
    assert f'href="/zh/plans/{SLUG}/items/2.2"' in client.get(f"/zh/plans/{SLUG}/areas/2").get_data(as_text=True)
    feed = client.get(f"/en/plans/{SLUG}/feed.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"


def _old_path(rule: str, values: dict) -> str:
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def test_every_old_address_answers_301_to_the_current_plans_page(app):
    seeded = seed(app)
    client = app.test_client()
    with app.test_request_context():
        from portal.services.content import content

        store = content()
        values = {"code": seeded["item_code"], "site_id": seeded["site_id"], "number": 2, "month": store.months[0]}
        for lang in ("zh", "en", None):
            for rule, endpoint in OLD_ADDRESSES:
                if (lang is None) != ("<lang>" not in rule):
                    continue
                slug = store.places[0].slug if "/places/" in rule else store.offices[0].slug
                old = _old_path(rule, {**values, "lang": lang, "slug": slug}) + "?from=old"
                args = {k: v for k, v in {**values, "slug": slug}.items() if f"<{k}>" in rule or f":{k}>" in rule}
                if lang:
                    args["lang"] = lang
                new = url_for(endpoint, plan=FIRST, **args) + "?from=old"
                r = client.get(old)
                assert (r.status_code, r.headers["Location"]) == (301, new), old
                assert client.get(new).status_code in (200, 303), new


def test_the_old_api_keeps_its_json_and_each_plan_has_its_own(two_plans):
    client = two_plans.test_client()
    plans = client.get("/api/v1/plans").get_json()["plans"]
    assert [p["slug"] for p in plans] == [SLUG, FIRST] and [p["current"] for p in plans] == [False, True]
    assert client.get("/api/v1/items/2.3").get_json() == client.get(f"/api/v1/plans/{FIRST}/items/2.3").get_json()
    assert len(client.get("/api/v1/items").get_json()["items"]) == 30
    mine = client.get(f"/api/v1/plans/{SLUG}/items").get_json()
    assert mine["plan"]["number"] == "浦张府〔2024〕12号" and [i["code"] for i in mine["items"]] == [
        "1.1.1", "1.1.2", "1.2", "2.1", "2.2"]
    item = client.get(f"/api/v1/plans/{SLUG}/items/2.2").get_json()
    assert item["official_text"].startswith("完成老旧小区综合改造") and item["url"]["zh"] == f"/zh/plans/{SLUG}/items/2.2"
    assert client.get(f"/api/v1/plans/{SLUG}/items/9.9").status_code == 404
    assert client.get("/api/v1/plans/1999-nothing/items").status_code == 404
    csv = client.get(f"/api/v1/plans/{SLUG}/items.csv").get_data(as_text=True)
    assert csv.count("\n") == 6 and "完成老旧小区综合改造" not in client.get("/api/v1/items.csv").get_data(as_text=True)
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/plans", "/api/v1/plans/{slug}/items", "/api/v1/plans/{slug}/items/{code}",
                 "/api/v1/plans/{slug}/items.csv", "/{lang}/plans/{slug}/feed.atom"):
        assert path in paths


def test_the_same_code_in_two_plans_keeps_its_own_comments_and_status(two_plans):
    from portal.services import feedback
    from portal.services.auth import create_staff
    from portal.services.progress import record_update

    with two_plans.test_request_context():
        staff = create_staff("plans-editor", "correct horse battery staple", "admin")
        g.plan = SLUG
        record_update("2.2", "completed", "小区综合改造已完成。", "The estate renovation is done.", date(2024, 9, 1), actor=staff)
        comment = feedback.submit("2.2", body="二〇二四年的电梯什么时候开工？", kind="question", ip="192.0.2.7", lang="zh",
                                  plan=SLUG).feedback
        feedback.approve(comment, staff)
    client = two_plans.test_client()
    assert client.get(f"/api/v1/plans/{SLUG}/items/2.2").get_json()["status"]["code"] == "completed"
    assert client.get(f"/api/v1/plans/{FIRST}/items/2.2").get_json()["status"]["code"] == "no_report"
    assert "二〇二四年的电梯" in client.get(f"/zh/plans/{SLUG}/items/2.2").get_data(as_text=True)
    assert "二〇二四年的电梯" not in client.get(f"/zh/plans/{FIRST}/items/2.2").get_data(as_text=True)
    assert "小区综合改造已完成" not in client.get(f"/zh/plans/{FIRST}/progress").get_data(as_text=True)


def test_search_covers_every_plan_labels_each_result_and_filters_by_plan(two_plans):
    from portal.search import index

    with two_plans.app_context():
        index.build()
    client = two_plans.test_client()
    both = client.get("/api/v1/search?q=加装电梯&lang=zh").get_json()["results"]
    assert {(r["plan"], r["year"]) for r in both} >= {(FIRST, 2023), (SLUG, 2024)}
    only = client.get(f"/api/v1/search?q=加装电梯&lang=zh&plan={SLUG}").get_json()["results"]
    assert only and {r["plan"] for r in only} == {SLUG}
    assert {r["url"] for r in only} == {f"/zh/plans/{SLUG}/items/2.1"}
    html = client.get("/en/search?q=lift").get_data(as_text=True)
    assert 'name="plan"' in html and "Plan 2023" in html
    found = client.get("/zh/search?q=满意度测评").get_data(as_text=True)
    # The year is kept on one line with its 年 (a span), so the label is read with the tags taken out.
    assert "/zh/search/go/2.2?q=" in found and f"plan={SLUG}" in found and "2024年计划" in re.sub(r"<[^>]+>", "", found)
    go = client.get(f"/zh/search/go/2.2?q=满意度测评&plan={SLUG}")
    assert go.status_code == 303 and go.headers["Location"] == f"/zh/plans/{SLUG}/items/2.2"


def test_an_old_address_keeps_its_query_but_never_url_fors_own_arguments(client):
    r = client.get("/zh/items/2.3?comments=2&_external=1&_scheme=javascript&_anchor=x&plan=evil")
    assert r.status_code == 301 and r.headers["Location"] == f"/zh/plans/{FIRST}/items/2.3?comments=2"


def test_staff_cannot_reach_another_plans_records_through_a_shared_code(two_plans):
    """Item codes repeat from plan to plan: a site or an update of the 2024 plan's 2.2 is not found through
    the current plan's 2.2 (a stage change there changed the other plan's public data)."""
    from datetime import date

    from flask import g

    from conftest import csrf_from, login, make_staff
    from portal.extensions import db
    from portal.models import ProjectSite
    from portal.services import sites
    from portal.services.auth import find
    from portal.services.progress import record_update

    make_staff(two_plans, "ed-plans", "editor")
    with two_plans.test_request_context():
        g.plan = SLUG
        site_id = sites.add_site("2.2", None, "二〇二四年的电梯项目", None, None, None, "consultation", find("ed-plans"),
                                 happened_on=date(2024, 9, 1)).id
        entry_id = record_update("2.2", "in_progress", "进展说明。", "", date(2024, 9, 1)).id
    client = two_plans.test_client()
    login(client, "ed-plans")
    page = client.get("/staff/items/2.2")
    response = client.post(f"/staff/items/2.2/sites/{site_id}/stage",
                           data={"csrf_token": csrf_from(page.data), f"s{site_id}-stage": "completed",
                                 f"s{site_id}-happened_on": "2026-01-05"})
    assert response.status_code == 404
    assert client.get(f"/staff/items/2.2?correct={entry_id}").status_code == 404
    with two_plans.app_context():
        assert db.session.get(ProjectSite, site_id).stage == "consultation"


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">'):]


def test_a_search_within_one_plan_names_that_plans_notice_in_the_footer(two_plans):
    """The footer's source line named the current plan's notice on a search limited to another plan."""
    client = two_plans.test_client()
    within = _footer(client.get(f"/zh/search?q=加装电梯&plan={SLUG}").get_data(as_text=True))
    assert within == _footer(client.get(f"/zh/plans/{SLUG}/").get_data(as_text=True))
    assert "浦张府〔2023〕45号" not in within
    everywhere = _footer(client.get("/zh/search?q=加装电梯").get_data(as_text=True))
    assert everywhere == _footer(client.get(f"/zh/plans/{FIRST}/").get_data(as_text=True))
    assert "浦张府〔2023〕45号" in everywhere


def _form_on(html: str, action_start: str) -> tuple[str, dict]:
    """The first form whose action starts with `action_start`: its action and hidden fields."""
    from html import unescape

    m = re.search(r'<form[^>]*action="(' + re.escape(action_start) + r'[^"]*)"(.*?)</form>', html, re.S)
    assert m, action_start
    return unescape(m.group(1)), hidden_fields(m.group(2))


def test_staff_update_another_plans_work_point_once_it_is_no_longer_current(two_plans):
    """Once next year's notice is current, a task of the year before still runs late and is reported on: its
    staff page was out of reach (the staff pages served the current plan only)."""
    from conftest import csrf_from, login, make_staff

    make_staff(two_plans, "ed-years", "editor")
    client = two_plans.test_client()
    login(client, "ed-years")
    plan_page = client.get(f"/staff/plans/{SLUG}").get_data(as_text=True)
    assert f'href="/staff/items/2.1?plan={SLUG}"' in plan_page and f'href="/staff/items/?plan={SLUG}"' in plan_page
    listing = client.get(f"/staff/items/?plan={SLUG}").get_data(as_text=True)
    assert "不是当前计划" in listing and f'href="/staff/items/2.1?plan={SLUG}"' in listing
    page = client.get(f"/staff/items/2.1?plan={SLUG}").get_data(as_text=True)
    assert "不是当前计划" in page and f'href="/zh/plans/{SLUG}/items/2.1"' in page
    action, hidden = _form_on(page, "/staff/items/2.1?")
    assert action == f"/staff/items/2.1?plan={SLUG}", "the form posts to the plan it was built for"
    assert _form_on(page, "/staff/items/2.1/sites")[0] == f"/staff/items/2.1/sites?plan={SLUG}#add-site"
    response = client.post(action, data={**hidden, "csrf_token": csrf_from(page), "status": "in_progress",
                                         "note_zh": "二〇二四年计划的加梯任务仍在推进。", "happened_on": "2025-03-02"})
    assert response.status_code == 302 and response.headers["Location"] == f"/staff/items/2.1?plan={SLUG}"
    assert "仍在推进" in client.get(f"/zh/plans/{SLUG}/items/2.1").get_data(as_text=True)
    assert "仍在推进" not in client.get(f"/zh/plans/{FIRST}/items/2.1").get_data(as_text=True)
    current = client.get("/staff/items/2.1").get_data(as_text=True)
    assert "不是当前计划" not in current and "仍在推进" not in current
    assert client.get("/staff/items/2.1?plan=no-such-plan").status_code == 404


def test_a_draft_of_another_plans_work_point_goes_back_only_into_that_plans_page(two_plans):
    """/staff/items/2.2 and /staff/items/2.2?plan=<slug> are two work points: a note typed into one, kept when its
    form expired, must not be put back into the other's form."""
    from conftest import csrf_from, login, make_staff
    from test_staff_drafts import _textarea

    make_staff(two_plans, "ed-drafts", "editor")
    client = two_plans.test_client()
    login(client, "ed-drafts")
    address = f"/staff/items/2.2?plan={SLUG}"
    page = client.get(address).get_data(as_text=True)
    action, hidden = _form_on(page, "/staff/items/2.2?")
    client.post("/staff/logout", data={"csrf_token": csrf_from(page)})  # the open page's token no longer matches
    login(client, "ed-drafts")
    note = "二〇二四年计划的加梯任务：三号楼已完成井道施工。"
    sent = client.post(action, headers={"Referer": f"http://localhost{address}"},
                       data={**hidden, "csrf_token": csrf_from(page), "status": "in_progress", "note_zh": note,
                             "happened_on": "2025-03-02"})
    assert sent.status_code == 400
    assert _textarea(client.get("/staff/items/2.2").data, "note_zh") == ""
    assert _textarea(client.get(address).data, "note_zh") == note


def test_a_progress_sheet_of_another_plan_reports_on_that_plans_work_points(two_plans):
    """Offices report on last year's late tasks in the sheet they already keep: the sheet of a plan that is
    not the current one is downloaded, checked and published against that plan (sheets served the current
    plan only), and search finds the note under that plan's work point."""
    import html as html_lib
    import io

    from conftest import csrf_from, login, make_staff
    from portal.search import index
    from sheets_support import edit_xlsx, row_of

    with two_plans.app_context():
        index.build()
    make_staff(two_plans, "ed-sheets", "editor")
    client = two_plans.test_client()
    login(client, "ed-sheets")
    page = client.get(f"/staff/progress-sheets?plan={SLUG}").get_data(as_text=True)
    assert "不是当前计划" in page and f'<input type="hidden" name="plan" value="{SLUG}">' in page
    sheet = client.get(f"/staff/progress-sheets/download?format=xlsx&office=&plan={SLUG}")
    assert sheet.status_code == 200 and SLUG in sheet.headers["Content-Disposition"]
    row = row_of(sheet.data, "进度", "2.2")
    data = edit_xlsx(sheet.data, [("进度", row, "new_status", "推进中"), ("进度", row, "note_zh", "满意度测评问卷已回收三百份"),
                                  ("进度", row, "happened_on", "2025-01-10")])
    sent = client.post(f"/staff/progress-sheets/upload?plan={SLUG}", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page), "sheet": (io.BytesIO(data), "sheet.xlsx")})
    assert sent.status_code == 302 and f"plan={SLUG}" in sent.headers["Location"]
    preview = client.get(sent.headers["Location"]).get_data(as_text=True)
    action = html_lib.unescape(re.search(r'action="(/staff/progress-sheets/[^"]+/publish[^"]*)"', preview).group(1))
    assert action.endswith(f"?plan={SLUG}")
    assert client.post(action, data={"csrf_token": csrf_from(preview)}).status_code == 302
    assert "问卷已回收三百份" in client.get(f"/zh/plans/{SLUG}/items/2.2").get_data(as_text=True)
    assert "问卷已回收三百份" not in client.get(f"/zh/plans/{FIRST}/items/2.2").get_data(as_text=True)
    found = client.get("/api/v1/search?q=问卷回收&lang=zh").get_json()["results"]
    assert [(r["plan"], r["code"]) for r in found][:1] == [(SLUG, "2.2")]


def test_the_audit_log_names_the_plan_of_a_work_point_change(two_plans):
    """Codes repeat across plans: "2.1 updated" did not say whether the 2023 or the 2024 plan's 2.1 changed."""
    from conftest import login, make_staff

    make_staff(two_plans, "audit-years", "admin")
    client = two_plans.test_client()
    login(client, "audit-years")
    page = client.get(f"/staff/items/2.1?plan={SLUG}").get_data(as_text=True)
    action, hidden = _form_on(page, "/staff/items/2.1?")
    assert client.post(action, data={**hidden, "status": "in_progress", "note_zh": "二〇二四年的加梯任务仍在推进。",
                                     "happened_on": "2025-03-02"}).status_code == 302
    log = text_of(client.get("/staff/audit").data)
    assert f"计划 {SLUG}" in log, log[:2000]


def test_the_api_says_truly_which_plan_its_addresses_without_a_plan_answer_for(two_plans, app_factory):
    """Once the 2024 plan is current, /api/v1/items still answers for 2023 (PORTAL_LEGACY_PLAN: those addresses
    were published for it). The document and /api/v1/plans said /api/v1/items answered for the current plan."""
    app = app_factory(CONTENT_DIR=two_plans.config["CONTENT_DIR"], CURRENT_PLAN=SLUG)
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    listed = {i["code"]: i for i in client.get("/api/v1/items").get_json()["items"]}
    assert listed == {i["code"]: i for i in client.get(f"/api/v1/plans/{FIRST}/items").get_json()["items"]}
    plans = client.get("/api/v1/plans").get_json()["plans"]
    fields = doc["components"]["schemas"]["Plan"]["properties"]
    (says,) = [name for name, field in fields.items() if "/api/v1/items" in field.get("description", "")]
    assert [p["slug"] for p in plans if p[says]] == [FIRST]
    assert [p["slug"] for p in plans if p["current"]] == [SLUG]
    for path in ("/api/v1/items", "/api/v1/items/{code}", "/api/v1/items.csv", "/feed.atom", "/{lang}/feed.atom"):
        said = doc["paths"][path]["get"]["summary"] + doc["paths"][path]["get"]["responses"]["200" if "api" in path else "301"]["description"]
        assert "current plan" not in said and FIRST in said, said
    assert client.get("/feed.atom").headers["Location"] == f"/plans/{FIRST}/feed.atom"
    assert client.get("/en/feed.atom").headers["Location"] == f"/en/plans/{FIRST}/feed.atom"


def _sheet_client(app, name: str):
    from conftest import login, make_staff

    make_staff(app, name, "editor")
    client = app.test_client()
    login(client, name)
    return client


def _upload_to(client, plan: str, data: bytes, name: str) -> str:
    """Uploads on the progress sheets page of `plan` ("" for the current one); the preview's text."""
    import io

    from conftest import csrf_from

    query = f"?plan={plan}" if plan else ""
    page = client.get(f"/staff/progress-sheets{query}").get_data(as_text=True)
    sent = client.post(f"/staff/progress-sheets/upload{query}", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page), "sheet": (io.BytesIO(data), name)})
    assert sent.status_code == 302, sent.status_code
    return client.get(sent.headers["Location"]).get_data(as_text=True)


def _new_project_csv(raw: bytes, code: str, drop_plan_row: bool = False) -> bytes:
    """The sites CSV downloaded, with one new project row added (and, for a file from before sheets said their
    plan, without the plan row above the header)."""
    from sheets_support import csv_bytes, csv_rows

    rows = csv_rows(raw)
    if drop_plan_row:
        rows = [r for r in rows if r[:1] != ["计划 / Plan"]]
    header = next(r for r in rows if "新阶段 / New stage" in r)
    cols = {h.split(" / ")[1]: n for n, h in enumerate(header)}
    new = [""] * len(header)
    for key, value in (("Work point", code), ("Name", "张江新苑12号楼"), ("Building", "12号楼"),
                       ("New stage", "施工中"), ("Note (zh)", "开工"), ("Date it happened", "2025-01-10")):
        new[cols[key]] = value
    return csv_bytes(rows + [new])


def test_a_sheet_of_another_plan_is_refused_naming_both_plans(two_plans):
    """Codes repeat across plans: last year's sheet uploaded on this year's page was refused with misleading
    messages (a locked column, no work point with the code), and a projects CSV of new projects only was
    accepted, adding them to this plan's same-numbered work point."""
    from conftest import text_of
    from sheets_support import edit_xlsx, row_of

    client = _sheet_client(two_plans, "ed-other-plan")
    sheet = client.get("/staff/progress-sheets/download?format=xlsx&office=").data  # the current plan, 2023
    row = row_of(sheet, "进度", "2.2")
    data = edit_xlsx(sheet, [("进度", row, "new_status", "推进中"), ("进度", row, "note_zh", "完成问卷"),
                             ("进度", row, "happened_on", "2025-01-10")])
    text = text_of(_upload_to(client, SLUG, data, "sheet.xlsx").encode())
    assert "2023 · 浦张府〔2023〕45号" in text and "2024 · 浦张府〔2024〕12号" in text, text[-800:]
    assert "这个文件是另一个计划的进度表" in text and "锁定" not in text and "没有编号" not in text
    assert "/publish" not in text
    raw = client.get("/staff/progress-sheets/download?format=sites.csv&office=").data
    preview = _upload_to(client, SLUG, _new_project_csv(raw, "2.2"), "sites.csv")
    assert "/publish" not in preview and "2024 · 浦张府〔2024〕12号" in text_of(preview.encode())
    # On its own plan's page the same file is read.
    assert "/publish" in _upload_to(client, "", _new_project_csv(raw, "2.2"), "sites.csv")


def test_a_sheet_from_before_sheets_said_their_plan_is_read_as_before_unless_ambiguous(two_plans):
    from conftest import text_of
    from sheets_support import csv_bytes, csv_rows

    client = _sheet_client(two_plans, "ed-old-sheet")
    raw = client.get("/staff/progress-sheets/download?format=sites.csv&office=").data
    old = _new_project_csv(raw, "2.2", drop_plan_row=True)
    preview = text_of(_upload_to(client, "", old, "sites.csv").encode())
    assert "/publish" not in preview and "2023 · 浦张府〔2023〕45号" in preview, preview[-800:]
    assert "2024 · 浦张府〔2024〕12号" in preview
    # A file with listed rows says by its locked columns which plan it is for: read as it always was.
    rows = [r for r in csv_rows(client.get("/staff/progress-sheets/download?format=items.csv&office=").data)
            if r[:1] != ["计划 / Plan"]]
    cols = {h.split(" / ")[1]: n for n, h in enumerate(rows[0])}
    row = next(r for r in rows if r[0] == "2.2")
    row[cols["New status"]], row[cols["What changed (zh)"]], row[cols["Date it happened"]] = "推进中", "完成", "2024-01-10"
    assert "/publish" in _upload_to(client, "", csv_bytes(rows), "items.csv")
