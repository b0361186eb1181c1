"""Staff text is published as typed: a reply or note holding what looks like a resident's mobile number, ID
number or e-mail address comes back with a warning (nothing lost) unless "Publish anyway" is ticked, and
publishing anyway is audited. The town's own landline numbers pass without a warning."""
from __future__ import annotations

import re

import pytest

from conftest import hidden_fields
from feedback_support import decide, feedback_by_code, staff_token, submit_direct
from staff_support import audit_entries

MOBILE_REPLY = "我们已致电 13812345678，问题已转交物业。"
OFFICE_REPLY = "如有疑问，请致电镇城建办 021-5080 1234。"


@pytest.fixture
def moderator(staff_client):
    c = staff_client("moderator")
    c.set_cookie("lang", "en")
    return c


@pytest.fixture
def editor(staff_client):
    c = staff_client("editor")
    c.set_cookie("lang", "en")
    return c


def _error_of(html: str, field_id: str) -> str:
    m = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', html)
    return m.group(1) if m else ""


def test_a_reply_with_a_mobile_number_is_not_published_without_the_tick(app, client, moderator):
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。")
    r = decide(moderator, fid, "approve", reply=MOBILE_REPLY)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    error = _error_of(html, f"c{fid}-reply")
    assert "mobile number (138****5678)" in error and "Publish anyway" in error
    assert "13812345678" not in error
    # Nothing lost: the reply is still in its box, and the box to tick is offered.
    assert re.search(rf'<textarea[^>]*name="c{fid}-reply"[^>]*>\s*{re.escape(MOBILE_REPLY)}</textarea>', html)
    assert f'name="c{fid}-publish_anyway"' in html
    fb = feedback_by_code(app, code)
    assert (fb.state, fb.reply_body) == ("pending", None)
    assert audit_entries(app, "feedback.approve") == []


def test_with_the_tick_it_is_published_and_the_audit_log_says_so(app, client, moderator):
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。", contact="13812345678")
    r = decide(moderator, fid, "approve", reply=MOBILE_REPLY, publish_anyway="y")
    assert r.status_code == 302
    fb = feedback_by_code(app, code)
    assert (fb.state, fb.reply_body) == ("published", MOBILE_REPLY)
    [entry] = audit_entries(app, "text.published_anyway")
    assert entry.target_type == "feedback" and entry.target_id == str(fid)
    assert entry.username.startswith("moderator")
    assert entry.after == {"reply": "138****5678"}


def test_an_office_landline_passes_without_a_warning(app, moderator):
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。", contact="wang@example.org")
    r = decide(moderator, fid, "approve", reply=OFFICE_REPLY)
    assert r.status_code == 302
    assert feedback_by_code(app, code).reply_body == OFFICE_REPLY
    assert audit_entries(app, "text.published_anyway") == []


def test_a_landline_the_resident_gave_is_warned_about(app, moderator):
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。", contact="021-6888 1234")
    r = decide(moderator, fid, "approve", reply="已致电您留下的号码 021 6888 1234。")
    assert r.status_code == 400
    assert "(0216****)" in _error_of(r.get_data(as_text=True), f"c{fid}-reply")
    assert feedback_by_code(app, code).state == "pending"


def test_a_changed_reply_with_an_id_number_or_e_mail_is_held_back(app, moderator):
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。")
    assert decide(moderator, fid, "approve").status_code == 302
    r = decide(moderator, fid, "reply", reply="经核实，身份证 310115198001011234 的业主已签字，请联系 wang@example.org。")
    assert r.status_code == 400
    error = _error_of(r.get_data(as_text=True), f"c{fid}-reply")
    assert "ID card number (310***************)" in error and "e-mail address (w***@***)" in error
    assert feedback_by_code(app, code).reply_body is None


def test_a_government_mailbox_passes(app, moderator):
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。")
    r = decide(moderator, fid, "approve", reply="材料请发送至 zjcjb@pudong.gov.cn。")
    assert r.status_code == 302


def _update(client, **fields):
    page = client.get("/staff/items/2.3")
    data = {**hidden_fields(page.data), "status": "in_progress", "note_zh": "已完成意愿征询。",
            "note_en": "Residents consulted.", "happened_on": "2023-09-01", "step": "publish", **fields}
    return client.post("/staff/items/2.3", data=data)


def test_a_status_note_with_a_mobile_number_is_held_back_then_published_anyway(app, client, editor):
    note = "业主代表王先生（13912345678）已签字。"
    r = _update(editor, note_zh=note)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "mobile number (139****5678)" in _error_of(html, "note_zh")
    assert re.search(rf'<textarea[^>]*name="note_zh"[^>]*>\s*{re.escape(note)}</textarea>', html)
    assert audit_entries(app, "item.update") == []
    # The preview step warns too, before anything is shown as final.
    assert _update(editor, note_zh=note, step="preview").status_code == 400

    assert _update(editor, note_zh=note, publish_anyway="y").status_code == 302
    assert len(audit_entries(app, "item.update")) == 1
    [entry] = audit_entries(app, "text.published_anyway")
    assert (entry.target_type, entry.target_id, entry.after) == ("work_item", "2.3", {"note_zh": "139****5678"})


def test_an_office_number_in_a_status_note_passes(app, editor):
    assert _update(editor, note_zh="咨询电话：021-5080 1234（镇城建办）。").status_code == 302
    assert audit_entries(app, "text.published_anyway") == []


def test_site_and_stage_notes_and_outcome_texts_are_checked(app, editor):
    r = editor.post("/staff/items/2.3/sites", data={
        **hidden_fields(editor.get("/staff/items/2.3").data), "site-name_zh": "古桐四村5号楼加装电梯",
        "site-target_key": "consultations", "site-place_slug": "gutong-sicun", "site-stage": "consultation",
        "site-happened_on": "2023-08-01", "site-note_zh": "联系人 13812345678"})
    assert r.status_code == 400 and "138****5678" in _error_of(r.get_data(as_text=True), "site-note_zh")

    from portal.extensions import db
    from portal.models import ItemOutcome, ProjectSite

    with app.app_context():
        assert db.session.query(ProjectSite).count() == 0
    url = "/staff/plans/2023-city-management/items/2.3/outcome"
    r = editor.post(url, data={**hidden_fields(editor.get(url).data), "result": "completed",
                               "note_zh": "已完成。联系人 13812345678", "note_en": "Done."})
    assert r.status_code == 400 and "138****5678" in _error_of(r.get_data(as_text=True), "note_zh")
    with app.app_context():
        assert db.session.query(ItemOutcome).count() == 0


def test_the_chinese_warning_is_translated(app, staff_client):
    c = staff_client("moderator")
    c.set_cookie("lang", "zh")
    fid, _ = submit_direct(app, body="楼道灯坏了，请尽快修理。")
    r = decide(c, fid, "approve", reply=MOBILE_REPLY)
    error = _error_of(r.get_data(as_text=True), f"c{fid}-reply")
    assert "138****5678" in error and not re.search(r"[A-Za-z]{4,}", error)


def test_the_service_finds_what_masking_finds():
    from portal.services.public_text import findings

    assert [(f.kind, f.shown) for f in findings("请拨 +86 138-1234-5678 或发邮件 a.b@qq.com")] == [
        ("mobile", "138****5678"), ("email", "a***@***")]
    assert findings("请致电 021-5080 1234 或 (021) 5080-1234") == []
    assert [f.kind for f in findings("请致电 021-5080 1234", contacts=["02150801234"])] == ["contact"]
    assert [f.kind for f in findings("请致电 021-5080 1234", contacts=["5080 1234"])] == ["contact"]
    assert findings("发送至 office@pudong.gov.cn") == []
    assert [f.kind for f in findings("发送至 office@pudong.gov.cn", contacts=["office@pudong.gov.cn"])] == ["email"]
    assert findings("") == [] and findings(None) == []


def test_a_progress_sheet_note_with_a_mobile_number_is_published_only_with_the_tick(app, editor):
    from conftest import csrf_from
    from sheets_support import download, edit_xlsx, row_of, upload

    data = download(editor)
    row = row_of(data, "进度", "2.3", "consultations")
    data = edit_xlsx(data, [("进度", row, "new_value", 12), ("进度", row, "new_status", "推进中"),
                            ("进度", row, "note_zh", "联系人王先生 13812345678"), ("进度", row, "happened_on", "2023-09-01")])
    preview = upload(editor, data)
    html = preview.get_data(as_text=True)
    assert re.search(r'id="personal-data".*mobile number \(138\*\*\*\*5678\)', html, re.S)
    action = re.search(r'action="(/staff/progress-sheets/[^"]+/publish)"', html).group(1)
    assert 'name="publish_anyway"' in html
    r = editor.post(action, data={"csrf_token": csrf_from(html)})
    assert r.status_code == 409 and audit_entries(app, "sheet.publish") == []
    assert 'name="publish_anyway"' in r.get_data(as_text=True)  # the same preview, the box still offered
    r = editor.post(action, data={"csrf_token": csrf_from(html), "publish_anyway": "y"})
    assert r.status_code == 302 and len(audit_entries(app, "sheet.publish")) == 1
    [entry] = audit_entries(app, "text.published_anyway")
    assert entry.target_type == "sheet_upload"
    assert entry.after == {"sheet": "items", "row": row, "item": "2.3", "note_zh": "138****5678"}


def test_publishing_a_sheet_anyway_scans_its_texts_once(app, editor, monkeypatch):
    """Publishing anyway scanned each changed text twice: once when the sheet was checked again (to say the
    findings) and once more for the audit log. The audit now keeps what the check found."""
    from conftest import csrf_from
    from sheets_support import download, edit_xlsx, row_of, upload

    from portal.services import public_text

    data = download(editor)
    row = row_of(data, "进度", "2.3", "consultations")
    data = edit_xlsx(data, [("进度", row, "new_value", 12), ("进度", row, "new_status", "推进中"),
                            ("进度", row, "note_zh", "联系人王先生 13812345678"), ("进度", row, "happened_on", "2023-09-01")])
    html = upload(editor, data).get_data(as_text=True)
    action = re.search(r'action="(/staff/progress-sheets/[^"]+/publish)"', html).group(1)
    scanned, scan = [], public_text.check
    monkeypatch.setattr(public_text, "check", lambda texts, *a, **k: scanned.append(texts) or scan(texts, *a, **k))
    r = editor.post(action, data={"csrf_token": csrf_from(html), "publish_anyway": "y"})
    assert r.status_code == 302
    assert len(scanned) == 1  # one changed work point, its two notes scanned together
    [entry] = audit_entries(app, "text.published_anyway")
    assert entry.after == {"sheet": "items", "row": row, "item": "2.3", "note_zh": "138****5678"}


def test_a_reply_with_a_bank_card_number_is_held_back(app, moderator):
    """The masking of comments learnt bank cards; the staff check, which uses the same rules, names them."""
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。")
    r = decide(moderator, fid, "approve", reply="补贴将打入您的卡 6222 0212 3456 7890 123。")
    assert r.status_code == 400
    assert "bank card number (***************0123)" in _error_of(r.get_data(as_text=True), f"c{fid}-reply")
    assert feedback_by_code(app, code).state == "pending"


def test_a_reply_with_a_qq_number_or_wechat_id_is_held_back_and_named(app, moderator, staff_client):
    """Comments' QQ numbers and WeChat IDs are masked; staff text with them is warned about, by kind."""
    from portal.services.public_text import findings

    assert [(f.kind, f.shown) for f in findings("请加QQ：12345678 或微信号 zhang_san88")] == [
        ("qq", "1****"), ("wechat", "z****")]
    assert findings("欢迎关注微信公众号 zjzf2020，35台电梯已完工") == []
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。")
    r = decide(moderator, fid, "approve", reply="已转物业，物业经理微信 wang_wuye01。")
    assert r.status_code == 400
    assert "WeChat ID (w****)" in _error_of(r.get_data(as_text=True), f"c{fid}-reply")
    assert feedback_by_code(app, code).state == "pending"
    zh = staff_client("moderator")
    zh.set_cookie("lang", "zh")
    r = decide(zh, fid, "approve", reply="已转物业，物业经理QQ 12345678。")
    error = _error_of(r.get_data(as_text=True), f"c{fid}-reply")
    assert "疑似QQ号（1****）" in error, error


# --- Reasons for not publishing or removing a comment: the resident reads them on the tracking page --------

NEIGHBOUR_REASON = "留言含他人电话 13912345678，不予公开。"


@pytest.mark.parametrize("action", ["reject", "hide"])
def test_a_reason_with_a_phone_number_is_held_back_then_kept_with_the_tick(app, client, moderator, action):
    """The reason shows on the tracking page (feedback/track.html), which the resident, and whoever they share
    its link with, reads: a neighbour's number quoted in it was shown there without a warning."""
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。")
    if action == "hide":
        decide(moderator, fid, "approve")
    before = feedback_by_code(app, code).state
    r = decide(moderator, fid, action, reason=NEIGHBOUR_REASON)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    error = _error_of(page, f"c{fid}-reason")
    assert "139****5678" in error and "tracking page" in error
    assert NEIGHBOUR_REASON in page and f'name="c{fid}-publish_anyway"' in page  # the text kept, the box offered
    assert feedback_by_code(app, code).state == before
    r = decide(moderator, fid, action, reason=NEIGHBOUR_REASON, publish_anyway="y")
    assert r.status_code == 302
    assert feedback_by_code(app, code).reject_reason == NEIGHBOUR_REASON
    [entry] = audit_entries(app, "text.published_anyway")
    assert (entry.target_type, entry.target_id, entry.after) == ("feedback", str(fid), {"reason": "139****5678"})


def test_a_reason_quoting_the_residents_own_landline_is_warned_about(app, moderator):
    fid, code = submit_direct(app, body="楼道灯坏了，请尽快修理。", contact="021-5080 1234")
    r = decide(moderator, fid, "reject", reason="已致电 021-5080 1234 说明，内容与本要点无关。")
    assert r.status_code == 400 and "0215****" in _error_of(r.get_data(as_text=True), f"c{fid}-reason")
    assert decide(moderator, fid, "reject", reason="内容与本要点无关，请致电镇城建办 021-5080 5678。").status_code == 302


def _bulk(client, ids, reason, action="reject", **extra):
    return client.post("/staff/moderation", data={
        "csrf_token": staff_token(client), "ids": [str(i) for i in ids], "action": action, "reason": reason,
        "next": "/staff/moderation", **extra})


def test_a_bulk_rejection_reason_with_personal_data_is_held_back_then_audited_for_each_comment(app, moderator):
    made = [submit_direct(app, body=f"批量拒绝的留言 {n}。", ip=f"203.0.113.{n}") for n in range(2)]
    ids = [fid for fid, _ in made]
    r = _bulk(moderator, ids, "重复提交，详询 QQ 12345678。")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "QQ number (1****)" in _error_of(page, "reason") and 'name="publish_anyway"' in page
    assert [feedback_by_code(app, code).state for _, code in made] == ["pending", "pending"]
    assert _bulk(moderator, ids, "重复提交，详询 QQ 12345678。", publish_anyway="y").status_code == 302
    assert [feedback_by_code(app, code).state for _, code in made] == ["rejected", "rejected"]
    entries = audit_entries(app, "text.published_anyway")
    assert sorted(e.target_id for e in entries) == sorted(str(i) for i in ids)
    assert all(e.after == {"reason": "1****"} for e in entries)
    # Approving ignores the reason field: nothing is held back for text that goes nowhere.
    other = submit_direct(app, body="另一条留言。", ip="203.0.113.7")[0]
    assert _bulk(moderator, [other], "QQ 12345678", action="approve").status_code == 302
