"""The moderation queue and its decisions: one by one, in bulk, with the audit trail; the CSV export."""
from __future__ import annotations

import csv
import io
import re

import pytest

from conftest import text_of
from feedback_support import decide, feedback_by_code, staff_token, submit_direct


def _state(app, code: str) -> str:
    return feedback_by_code(app, code).state


def _audit(app, action: str) -> list:
    from portal.extensions import db
    from portal.models import AuditLog

    with app.app_context():
        rows = db.session.query(AuditLog).filter_by(action=action).order_by(AuditLog.id).all()
        for r in rows:
            db.session.expunge(r)
        return rows


def _card(page: str, fid: int) -> str:
    start = page.index(f'id="c{fid}"')
    return page[start:page.index("</li>\n", start)]


@pytest.fixture
def moderator(staff_client):
    return staff_client("moderator")


def test_queue_shows_waiting_comments_newest_first_with_what_staff_need(app, moderator):
    from portal.services.content import content

    with app.app_context():
        place = content().places[1]
    old_id, old = submit_direct(app, body="较早的留言：电梯什么时候开工？", ip="203.0.113.1")
    new_id, new = submit_direct(app, body="较新的留言：请打电话 13812345678 给我。", ip="203.0.113.2", code="1.1",
                                kind="concern", place_slug=place.slug, contact="wang@example.org",
                                display_name="王阿姨")
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():  # make the order unambiguous
        from datetime import timedelta

        fb = db.session.get(Feedback, old_id)
        fb.created_at -= timedelta(minutes=5)
        db.session.commit()
    r = moderator.get("/staff/moderation")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert page.index(new) < page.index(old)
    card = text_of(_card(page, new_id))
    with app.app_context():
        title = content().item("1.1").title.zh
    assert "1.1" in card and title in card and place.name.zh in card and "问题反映" in card
    assert "请打电话 138****5678 给我。" in card  # as it would be published
    assert "13812345678" in card and "wang@example.org" in card and "王阿姨" in card  # staff only
    assert "王*姨" in card


def test_approve_with_a_reply_publishes_both_and_is_audited(app, client, moderator):
    fid, code = submit_direct(app, body="希望电梯加装后增加无障碍坡道。")
    r = decide(moderator, fid, "approve", reply="坡道已列入设计方案。")
    assert r.status_code == 302 and r.headers["Location"] == "/staff/moderation"
    fb = feedback_by_code(app, code)
    assert (fb.state, fb.reply_body) == ("published", "坡道已列入设计方案。")
    assert "坡道已列入设计方案。" in text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)
    [entry] = _audit(app, "feedback.approve")
    assert entry.username.startswith("moderator") and entry.target_id == str(fid)
    assert entry.before["state"] == "pending" and entry.after == {
        "state": "published", "reject_reason": None, "reply": "坡道已列入设计方案。", "flags": 0}
    assert f"留言 {code} 已公开。" in text_of(moderator.get("/staff/moderation").data)


def test_approve_without_csrf_token_is_refused(app, moderator):
    fid, code = submit_direct(app)
    r = moderator.post(f"/staff/feedback/{fid}/approve", data={f"c{fid}-reply": ""})
    assert r.status_code == 400 and _state(app, code) == "pending"


def test_reject_needs_a_reason_shown_beside_the_field(app, moderator):
    fid, code = submit_direct(app)
    r = decide(moderator, fid, "reject", reason="  ")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert f'id="c{fid}-reason-error"' in page and "请填写留言人可以看到的原因。" in page
    assert 'id="error-summary"' in page and f'href="#c{fid}-reason"' in page
    assert _state(app, code) == "pending"


def test_reject_keeps_the_comment_and_tells_the_resident_why(app, client, moderator):
    fid, code = submit_direct(app, body="这是一条与本项工作无关的广告。")
    assert decide(moderator, fid, "reject", reason="内容与本项工作无关。").status_code == 302
    fb = feedback_by_code(app, code)
    assert (fb.state, fb.reject_reason, fb.body) == ("rejected", "内容与本项工作无关。", "这是一条与本项工作无关的广告。")
    assert "内容与本项工作无关。" in text_of(client.get(f"/zh/feedback/{code}").data)
    [entry] = _audit(app, "feedback.reject")
    assert entry.after["reject_reason"] == "内容与本项工作无关。"


def test_hide_removes_a_published_comment_with_a_reason(app, client, moderator):
    fid, code = submit_direct(app, body="一条先公开后撤下的留言。")
    decide(moderator, fid, "approve")
    assert "一条先公开后撤下的留言。" in text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)
    r = decide(moderator, fid, "hide", reason="包含他人隐私。")
    assert r.status_code == 302
    assert "一条先公开后撤下的留言。" not in text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)
    track = text_of(client.get(f"/en/feedback/{code}").data)
    assert "Removed from the site" in track and "包含他人隐私。" in track
    assert _audit(app, "feedback.hide")[0].before["state"] == "published"


def test_reply_to_a_published_comment(app, client, moderator):
    fid, code = submit_direct(app, body="请问充电桩装在哪里？")
    decide(moderator, fid, "approve")
    assert decide(moderator, fid, "reply", reply="").status_code == 400
    assert decide(moderator, fid, "reply", reply="装在 3 号楼北侧。").status_code == 302
    assert "装在 3 号楼北侧。" in text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)
    assert decide(moderator, fid, "reply", reply="改为装在 5 号楼北侧。").status_code == 302
    [first, second] = _audit(app, "feedback.reply")
    assert second.before["reply"] == "装在 3 号楼北侧。" and second.after["reply"] == "改为装在 5 号楼北侧。"
    # Changing it again starts from the reply as published, not an empty box.
    card = _card(moderator.get("/staff/moderation?view=published").get_data(as_text=True), fid)
    assert re.search(rf'<textarea[^>]*id="c{fid}-reply"[^>]*>\s*改为装在 5 号楼北侧。</textarea>', card), card


def test_a_decision_on_a_stale_page_changes_nothing_and_says_why(app, moderator, staff_client):
    fid, code = submit_direct(app)
    other = staff_client("moderator")
    assert decide(other, fid, "approve").status_code == 302
    r = decide(moderator, fid, "reject", reason="重复")  # this moderator still had the old page open
    assert r.status_code == 409
    assert f"留言 {code} 当前状态为“已公开”" in text_of(r.data)
    assert _state(app, code) == "published"
    assert decide(moderator, fid, "approve").status_code == 409  # already published, no reports


def test_unknown_comment_is_404(moderator):
    assert moderator.get("/staff/feedback/999").status_code == 404
    assert decide(moderator, 999, "approve").status_code == 404


def test_next_only_leads_back_into_the_back_office(app, moderator):
    fid, _ = submit_direct(app)
    r = decide(moderator, fid, "approve", next="https://evil.example/")
    assert r.status_code == 302 and r.headers["Location"] == "/staff/"


def _bulk(client, ids, action, reason="", query=""):
    return client.post(f"/staff/moderation{query}", data={
        "csrf_token": staff_token(client), "ids": [str(i) for i in ids], "action": action, "reason": reason,
        "next": "/staff/moderation"})


def test_bulk_approve_publishes_every_ticked_comment(app, client, moderator):
    made = [submit_direct(app, body=f"批量通过的留言 {n}。", ip=f"203.0.113.{n}") for n in range(3)]
    untouched_id, untouched = submit_direct(app, body="没有勾选的留言。", ip="203.0.113.50")
    r = _bulk(moderator, [fid for fid, _ in made], "approve")
    assert r.status_code == 302
    assert [_state(app, code) for _, code in made] == ["published"] * 3
    assert _state(app, untouched) == "pending"
    assert len(_audit(app, "feedback.approve")) == 3
    assert "已公开 3 条留言。" in text_of(moderator.get("/staff/moderation").data)


def test_bulk_reject_needs_one_reason_and_keeps_the_ticks(app, moderator):
    made = [submit_direct(app, body=f"批量拒绝的留言 {n}。", ip=f"203.0.113.{n}") for n in range(2)]
    ids = [fid for fid, _ in made]
    r = _bulk(moderator, ids, "reject", reason="")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'id="reason-error"' in page and "请填写留言人可以看到的原因。" in page
    for fid in ids:
        assert re.search(rf'id="tick-{fid}" name="ids" value="{fid}" form="bulk" checked', page)
    assert [_state(app, code) for _, code in made] == ["pending", "pending"]

    assert _bulk(moderator, ids, "reject", reason="重复提交。").status_code == 302
    for _, code in made:
        fb = feedback_by_code(app, code)
        assert (fb.state, fb.reject_reason) == ("rejected", "重复提交。")


def test_bulk_with_nothing_ticked_says_so(app, moderator):
    submit_direct(app)
    r = _bulk(moderator, [], "approve")
    assert r.status_code == 400 and "请至少勾选一条留言。" in text_of(r.data)


def test_bulk_skips_comments_changed_meanwhile(app, moderator, staff_client):
    a_id, a = submit_direct(app, body="第一条。。。", ip="203.0.113.1")
    b_id, b = submit_direct(app, body="第二条。。。", ip="203.0.113.2")
    c_id, c = submit_direct(app, body="第三条。。。", ip="203.0.113.3")
    other = staff_client("moderator")  # decides while the first moderator's page is open
    decide(other, b_id, "approve")
    decide(other, c_id, "reject", reason="已处理")
    r = _bulk(moderator, [a_id, b_id, 4242], "reject", reason="重复")
    assert r.status_code == 302
    assert (_state(app, a), _state(app, b)) == ("rejected", "published")
    text = text_of(moderator.get("/staff/moderation").data)
    assert f"以下留言的状态已被他人更改，未作处理：{b}" in text and "所选留言中有 1 条已不存在。" in text
    _bulk(moderator, [c_id], "approve")  # a rejected comment is not published by a bulk approval
    assert feedback_by_code(app, c).state == "rejected"


def test_a_single_decision_checks_the_state_the_moderator_saw(app, moderator, staff_client):
    fid, code = submit_direct(app)
    decide(staff_client("moderator"), fid, "reject", reason="无关")
    r = decide(moderator, fid, "approve", seen="pending")
    assert r.status_code == 409 and _state(app, code) == "rejected"
    assert decide(moderator, fid, "approve", seen="rejected").status_code == 302  # publishing it after all
    assert _state(app, code) == "published"


def test_bulk_reject_removes_reported_public_comments_and_rejects_waiting_ones(app, moderator):
    from portal.services import feedback

    pub_id, pub = submit_direct(app, body="被举报但仍公开的留言。", ip="203.0.113.1")
    wait_id, wait = submit_direct(app, body="等待审核的留言。", ip="203.0.113.2")
    decide(moderator, pub_id, "approve")
    with app.app_context():
        from portal.extensions import db
        from portal.models import Feedback

        feedback.flag(db.session.get(Feedback, pub_id), "广告", "192.0.2.9")
    assert _bulk(moderator, [pub_id, wait_id], "reject", reason="违反留言规则。").status_code == 302
    assert (_state(app, pub), _state(app, wait)) == ("hidden", "rejected")


def test_filters_by_state_and_office(app, moderator):
    from portal.services.content import content

    a_id, a = submit_direct(app, body="公开的留言。", ip="203.0.113.1")
    b_id, b = submit_direct(app, body="拒绝的留言。", ip="203.0.113.2")
    c_id, c = submit_direct(app, body="等待的留言。", ip="203.0.113.3", code="1.1")
    decide(moderator, a_id, "approve")
    decide(moderator, b_id, "reject", reason="无关")
    views = {v: moderator.get(f"/staff/moderation?view={v}").get_data(as_text=True) for v in
             ("queue", "published", "rejected", "hidden", "all")}

    def shown(fid, view):
        return f'id="c{fid}"' in views[view]

    assert shown(c_id, "queue") and not shown(a_id, "queue") and not shown(b_id, "queue")
    assert shown(a_id, "published") and not shown(c_id, "published")
    assert shown(b_id, "rejected") and "无关" in views["rejected"]
    assert not shown(a_id, "hidden") and "这里没有留言。" in views["hidden"]
    assert all(shown(fid, "all") for fid in (a_id, b_id, c_id))
    assert moderator.get("/staff/moderation?view=nonsense").status_code == 404
    assert moderator.get("/staff/moderation?office=nonsense").status_code == 404
    with app.app_context():
        offices_23 = {o.slug for o in content().item("2.3").offices}
        offices_11 = {o.slug for o in content().item("1.1").offices}
    only_11 = next(iter(offices_11 - offices_23))
    page = moderator.get(f"/staff/moderation?view=all&office={only_11}").get_data(as_text=True)
    assert f'id="c{c_id}"' in page and f'id="c{a_id}"' not in page


def test_reported_public_comment_shows_the_reports_and_can_be_kept(app, client, moderator):
    from portal.extensions import db
    from portal.models import Feedback
    from portal.services import feedback

    fid, code = submit_direct(app, body="一条被举报的留言。")
    decide(moderator, fid, "approve")
    with app.app_context():
        feedback.flag(db.session.get(Feedback, fid), "疑似广告", "192.0.2.1")
    card = text_of(_card(moderator.get("/staff/moderation").get_data(as_text=True), fid))
    assert "被举报 1 次" in card and "疑似广告" in card and "继续公开并驳回举报" in card
    assert decide(moderator, fid, "approve").status_code == 302
    fb = feedback_by_code(app, code)
    assert (fb.state, fb.flag_count) == ("published", 0)
    assert f'id="c{fid}"' not in moderator.get("/staff/moderation").get_data(as_text=True)


def test_detail_page_lists_every_action_that_applies(app, moderator):
    fid, code = submit_direct(app)
    page = moderator.get(f"/staff/feedback/{fid}").get_data(as_text=True)
    assert f"/staff/feedback/{fid}/approve" in page and f"/staff/feedback/{fid}/reject" in page
    assert f"/staff/feedback/{fid}/hide" not in page
    decide(moderator, fid, "approve")
    page = moderator.get(f"/staff/feedback/{fid}").get_data(as_text=True)
    assert f"/staff/feedback/{fid}/hide" in page and f"/staff/feedback/{fid}/reply" in page
    assert f"/staff/feedback/{fid}/reject" not in page


def test_dashboard_counts_waiting_and_reported_comments(app, moderator):
    from portal.extensions import db
    from portal.models import Feedback
    from portal.services import feedback

    ids = [submit_direct(app, body=f"仪表板留言 {n}。", ip=f"203.0.113.{n}")[0] for n in range(4)]
    decide(moderator, ids[0], "approve")
    with app.app_context():
        feedback.flag(db.session.get(Feedback, ids[0]), "广告", "192.0.2.1")
    text = text_of(moderator.get("/staff/").data)
    assert "3 条留言等待审核" in text and "1 条已公开的留言被读者举报" in text


def test_approving_makes_the_comment_searchable_and_hiding_removes_it(app, client, moderator):
    fid, _ = submit_direct(app, body="希望在电梯厅放一个彩虹滑梯造型的座椅。")
    assert "/zh/search/go/2.3" not in client.get("/zh/search?q=彩虹滑梯").get_data(as_text=True)
    decide(moderator, fid, "approve")
    found = client.get("/zh/search?q=彩虹滑梯").get_data(as_text=True)
    assert "/zh/search/go/2.3" in found
    decide(moderator, fid, "hide", reason="测试")
    assert "/zh/search/go/2.3" not in client.get("/zh/search?q=彩虹滑梯").get_data(as_text=True)


# --- CSV export -------------------------------------------------------------------------------

def _csv(client, query: str = ""):
    r = client.get(f"/staff/feedback.csv{query}")
    assert r.status_code == 200, r.status_code
    return r, list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))


def test_csv_has_a_bom_and_reads_back_with_chinese_intact(app, moderator):
    fid, code = submit_direct(app, body="张江镇三号楼电梯，联系 13812345678。", contact="13812345678",
                              display_name="张三丰")
    decide(moderator, fid, "approve", reply="已安排施工队。")
    r, rows = _csv(moderator)
    assert r.data.startswith(b"\xef\xbb\xbf")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="feedback-all-\d{8}\.csv"', r.headers["Content-Disposition"])
    header, row = rows[0], rows[1]
    assert header[:3] == ["查询码", "工作要点", "工作要点名称"]
    record = dict(zip(header, row))
    assert record["查询码"] == code and record["工作要点"] == "2.3"
    assert record["原始留言"] == "张江镇三号楼电梯，联系 13812345678。"
    assert record["公开内容"] == "张江镇三号楼电梯，联系 138****5678。"
    assert record["联系方式"] == "13812345678" and record["姓名"] == "张三丰"
    assert record["官方答复"] == "已安排施工队。" and record["状态"] == "已公开" and record["地点"] == "全镇"
    with app.app_context():
        from portal.services.content import content

        item = content().item("2.3")
        assert record["工作要点名称"] == item.title.zh
        assert record["责任部门"] == "、".join(o.name.zh for o in item.offices)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", record["提交时间（北京时间）"])


def _comments_of_two_offices(app) -> str:
    """A comment on 2.3 and one on 1.1; the slug of an office responsible for 1.1 but not for 2.3."""
    from portal.services.content import content

    submit_direct(app, body="关于 2.3 的留言。", ip="203.0.113.1")
    submit_direct(app, body="关于 1.1 的留言。", ip="203.0.113.2", code="1.1")
    with app.app_context():
        return next(iter({o.slug for o in content().item("1.1").offices}
                         - {o.slug for o in content().item("2.3").offices}))


def test_csv_per_office_has_only_that_offices_work_points(app, moderator):
    office = _comments_of_two_offices(app)
    r, rows = _csv(moderator, f"?office={office}")
    assert [row[1] for row in rows[1:]] == ["1.1"]
    assert f"feedback-{office}-" in r.headers["Content-Disposition"]
    _, everything = _csv(moderator)
    assert sorted(row[1] for row in everything[1:]) == ["1.1", "2.3"]
    assert moderator.get("/staff/feedback.csv?office=nonsense").status_code == 404


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_cannot_run_as_formulas(app, moderator, dangerous):
    submit_direct(app, body=dangerous + " 电梯", display_name=dangerous[:40])
    _, rows = _csv(moderator)
    record = dict(zip(rows[0], rows[1]))
    for column in ("原始留言", "公开内容", "姓名"):
        assert record[column].startswith("'" + dangerous[:1]), (column, record[column])


def test_csv_export_is_in_the_audit_log(app, moderator):
    submit_direct(app)
    _csv(moderator)
    [entry] = _audit(app, "feedback.export")
    assert entry.username.startswith("moderator") and entry.target_id == "all" and entry.after == {"rows": 1}


def test_csv_cell_guard_covers_tab_and_carriage_return():
    from portal.csv_files import cell

    assert [cell(v) for v in ("\t=1", "\r=1", "正常", "", None, 3)] == ["'\t=1", "'\r=1", "正常", "", "", "3"]


def test_detail_page_leads_back_to_the_filtered_list(app, moderator):
    fid, _ = submit_direct(app)
    page = moderator.get(f"/staff/feedback/{fid}?next=/staff/moderation?view%3Dall").get_data(as_text=True)
    assert 'href="/staff/moderation?view=all">' in page
    assert 'value="/staff/moderation?view=all"' in page  # the decisions go back there too
    page = moderator.get(f"/staff/feedback/{fid}?next=https://evil.example/").get_data(as_text=True)
    assert 'href="https://evil.example/"' not in page and 'value="https://evil.example/"' not in page
    assert 'href="/staff/">' in page


def test_a_bulk_decision_re_indexes_each_work_point_once(app, moderator):
    from portal.services.events import feedback_changed

    ids = [submit_direct(app, body=f"同一项的留言 {n}。", ip=f"203.0.113.{n}")[0] for n in range(3)]
    ids.append(submit_direct(app, body="另一项的留言。", ip="203.0.113.9", code="1.1")[0])
    seen = []

    def receiver(sender, item_code=None, **kwargs):
        seen.append((item_code, kwargs.get("published")))

    feedback_changed.connect(receiver)
    try:
        assert _bulk(moderator, ids, "approve").status_code == 302
    finally:
        feedback_changed.disconnect(receiver)
    assert sorted(seen) == [("1.1", True), ("2.3", True)]
    found = moderator.get("/zh/search?q=同一项的留言").get_data(as_text=True)
    assert "/zh/search/go/2.3" in found


def test_a_bulk_decision_returns_to_the_list_as_it_was_filtered_and_paged(app, moderator):
    """The bulk form took the moderator back to the first page of the unfiltered list, away from the
    page of reported comments they were working through."""
    from conftest import hidden_fields

    made = [submit_direct(app, body=f"批量处理的留言 {n}。", ip=f"203.0.113.{n % 200}")[0] for n in range(51)]  # two pages
    fid = made[0]  # the oldest: on page 2
    address = "/staff/moderation?page=2"
    page = moderator.get(address)
    hidden = hidden_fields(page.data)
    assert hidden.get("next") == address
    r = moderator.post(address, data={**hidden, "ids": [str(fid)], "action": "approve"})
    assert r.status_code == 302 and r.headers["Location"] == address


# --- .xlsx export -----------------------------------------------------------------------------

def _xlsx(client, query: str = ""):
    from openpyxl import load_workbook

    r = client.get(f"/staff/feedback.xlsx{query}")
    assert r.status_code == 200, r.status_code
    ws = load_workbook(io.BytesIO(r.data)).active
    return r, [list(row) for row in ws.iter_rows()]


@pytest.mark.parametrize("contact", ["13812345678", "310115198001011234"])
def test_xlsx_keeps_phone_and_id_numbers_as_text_with_every_digit(app, moderator, contact):
    """Excel reads the CSV's 13812345678 as the number 1.38E+10, and an 18-digit ID number loses its last
    digits: the .xlsx types those cells as text, with the value unchanged (no apostrophe, no formula)."""
    fid, code = submit_direct(app, body="张江镇三号楼电梯，联系 13812345678。", contact=contact, display_name="张三丰")
    decide(moderator, fid, "approve", reply="已安排施工队。")
    r, rows = _xlsx(moderator)
    assert r.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="feedback-all-\d{8}\.xlsx"', r.headers["Content-Disposition"])
    _, csv_rows = _csv(moderator)
    header = [c.value for c in rows[0]]
    assert header == csv_rows[0], "the same columns as the CSV file"
    record = {h: c for h, c in zip(header, rows[1])}
    assert record["联系方式"].value == contact and record["联系方式"].data_type == "s"
    assert record["查询码"].value == code and record["工作要点"].value == "2.3" and record["工作要点"].data_type == "s"
    assert ["" if c.value is None else str(c.value) for c in rows[1]] == csv_rows[1], "the same values too"


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_xlsx_cells_are_text_never_formulas(app, moderator, dangerous):
    submit_direct(app, body=dangerous + " 电梯", display_name=dangerous[:40])
    _, rows = _xlsx(moderator)
    record = {h.value: c for h, c in zip(rows[0], rows[1])}
    for column in ("原始留言", "公开内容", "姓名"):
        assert record[column].data_type == "s" and record[column].value.startswith(dangerous[:1]), column


def test_xlsx_is_per_office_for_moderators_only_and_in_the_audit_log(app, moderator, client):
    office = _comments_of_two_offices(app)
    _, rows = _xlsx(moderator, f"?office={office}")
    assert [row[1].value for row in rows[1:]] == ["1.1"]
    assert moderator.get("/staff/feedback.xlsx?office=nonsense").status_code == 404
    assert client.get("/staff/feedback.xlsx").status_code in (302, 303, 401, 403)
    entry = _audit(app, "feedback.export")[-1]
    assert entry.target_id == office and entry.after == {"rows": 1, "format": "xlsx"}


def test_xlsx_is_sent_whole_from_a_temporary_file_that_is_closed_afterwards(app, moderator):
    """The workbook is saved to a temporary file and sent from it (bench/feedback_export.py): its length is
    announced, and the file (so its disk space) is released once the answer is sent."""
    import os

    submit_direct(app, body="张江镇三号楼电梯什么时候装好？")
    _xlsx(moderator)  # the first request opens what stays open (the database connection, the catalogs)
    fds = sorted(os.listdir("/proc/self/fd"))
    r = moderator.get("/staff/feedback.xlsx", buffered=True)
    assert int(r.headers["Content-Length"]) == len(r.data) > 0
    assert sorted(os.listdir("/proc/self/fd")) == fds


def test_the_moderation_page_says_which_file_to_open_in_excel(app, moderator):
    page = text_of(moderator.get("/staff/moderation").data)
    assert "/staff/feedback.xlsx" in moderator.get("/staff/moderation").get_data(as_text=True)
    assert ".xlsx" in page and "CSV" in page
