"""Progress spreadsheets (issue 13): download, fill in, upload for a preview, publish all or nothing."""
from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import csrf_from, text_of
from progress_support import add_site, publish as publish_update
from sheets_support import csv_bytes, csv_header, csv_rows, download, edit_xlsx, format_xlsx, publish, row_of, upload

ITEMS, SITES = "进度", "项目"


def _history(app, code: str):
    from portal.extensions import db
    from portal.models import StatusUpdate

    with app.app_context():
        return db.session.query(StatusUpdate).filter_by(item_code=code).order_by(StatusUpdate.id).all()


def _audit(app, action: str):
    from portal.extensions import db
    from portal.models import AuditLog

    with app.app_context():
        return db.session.query(AuditLog).filter_by(action=action).order_by(AuditLog.id).all()


def _fill(data: bytes, code: str, target: str, value, status="推进中", note="完成征询", on="2023-09-01"):
    row = row_of(data, ITEMS, code, target)
    return edit_xlsx(data, [(ITEMS, row, "new_value", value), (ITEMS, row, "new_status", status),
                            (ITEMS, row, "note_zh", note), (ITEMS, row, "happened_on", on)]), row


def test_round_trip_unchanged_says_no_changes(app, staff_client):
    editor = staff_client("editor")
    publish_update(app, "2.3", "in_progress", "开始征询", "2023-08-01", progress={})
    add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    for fmt, name in (("xlsx", "s.xlsx"), ("items.csv", "i.csv"), ("sites.csv", "p.csv")):
        page = upload(editor, download(editor, fmt), name)
        assert page.status_code == 200
        assert "没有变化" in text_of(page.data) and "/publish" not in page.data.decode(), fmt


def test_the_workbook_is_usable_in_a_spreadsheet_program(app, staff_client):
    from openpyxl import load_workbook

    editor = staff_client("editor")
    wb = load_workbook(io.BytesIO(download(editor)))
    assert wb.sheetnames[:1] == ["填写说明"] and {ITEMS, SITES} <= set(wb.sheetnames)
    assert "只填写白色的列" in " ".join(str(c.value) for c in wb["填写说明"]["A"])
    ws = wb[ITEMS]
    assert ws.freeze_panes == "C2" and ws.protection.sheet
    row = row_of(download(editor), ITEMS, "2.3", "consultations")
    assert ws.cell(row=row, column=1).protection.locked and not ws.cell(row=row, column=13).protection.locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "whole", "decimal", "date"} <= kinds
    whole = next(dv for dv in ws.data_validations.dataValidation if dv.type == "whole")
    assert f"M{row}" in str(whole.sqref)  # 台 counts things
    road = row_of(download(editor), ITEMS, "3.2.1", "road_km")
    assert f"M{road}" not in str(whole.sqref)  # 公里 does not


def test_fill_in_publish_one_entry_per_item_and_site_everywhere(app, staff_client):
    editor = staff_client("editor")
    site_id = add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    data = download(editor)
    data, _ = _fill(data, "3.2.1", "road_km", 1.5, note="完成1.5公里道路整治")
    site_row = row_of(data, SITES, str(site_id), key="site_id")
    first_empty = site_row + 1
    data = edit_xlsx(data, [
        (SITES, site_row, "new_stage", "施工中"), (SITES, site_row, "note_zh", "开工"),
        (SITES, site_row, "happened_on", "2023-10-01"),
        (SITES, first_empty, "code", "2.3"), (SITES, first_empty, "target", "consultations"),
        (SITES, first_empty, "name_zh", "测试小区5号楼"), (SITES, first_empty, "building", "5号楼"),
        (SITES, first_empty, "new_stage", "征询居民意见"), (SITES, first_empty, "happened_on", "2023-10-02")])
    preview = upload(editor, data)
    body = text_of(preview.data)
    assert "1.5" in body and "征询居民意见 → 施工中" in body and "测试小区5号楼" in body
    assert _history(app, "3.2.1") == []  # a preview changes nothing
    r = publish(editor, preview)
    assert r.status_code == 302
    assert len(_history(app, "3.2.1")) == 1
    api = app.test_client().get("/api/v1/items/2.3").get_json()
    assert {s["name"]["zh"]: s["stage"]["code"] for s in api["sites"]} == {"测试小区3号楼": "construction",
                                                                          "测试小区5号楼": "consultation"}
    road = app.test_client().get("/api/v1/items/3.2.1").get_json()["targets"]
    assert [t["progress"] for t in road if t["key"] == "road_km"] == [1.5]
    assert "完成1.5公里道路整治" in text_of(app.test_client().get("/zh/plans/2023-city-management/items/3.2.1").data)
    found = app.test_client().get("/api/v1/search?q=道路整治").get_json()
    assert "3.2.1" in str(found)
    entry = _audit(app, "sheet.publish")[-1].after
    assert entry["file"] == "sheet.xlsx" and len(entry["sha256"]) == 64 and entry["items"] == ["3.2.1"]
    assert entry["sites_moved"] == 1 and entry["sites_added"] == 1
    assert _audit(app, "item.update") and _audit(app, "site.stage")  # as if made in the item form


def test_the_same_file_twice_changes_nothing_the_second_time(app, staff_client):
    editor = staff_client("editor")
    data, _ = _fill(download(editor), "2.3", "consultations", 12)
    publish(editor, upload(editor, data))
    again = upload(editor, data)
    body = text_of(again.data)
    assert "没有变化" in body and "已经发布" in body and "/publish" not in again.data.decode()
    assert len(_history(app, "2.3")) == 1


def test_a_sheet_downloaded_before_someone_elses_update_is_a_conflict(app, staff_client):
    editor = staff_client("editor")
    data, row = _fill(download(editor), "2.3", "consultations", 12)
    publish_update(app, "2.3", "in_progress", "另一位同事的更新", "2023-09-05", progress={"consultations": 20})
    page = upload(editor, data)
    body = text_of(page.data)
    assert "冲突" in body and f"第 {row} 行" in body and "2023-09-05" in body
    assert "/publish" not in page.data.decode()
    assert [e.note_zh for e in _history(app, "2.3")] == ["另一位同事的更新"]


def test_all_or_nothing_on_a_file_with_one_bad_row(app, staff_client):
    editor = staff_client("editor")
    data, _ = _fill(download(editor), "3.2.1", "road_km", 1.5)
    data, bad = _fill(data, "2.3", "consultations", 2.5)
    page = upload(editor, data)
    assert "/publish" not in page.data.decode() and f"第 {bad} 行" in text_of(page.data)
    assert _history(app, "3.2.1") == [] and _history(app, "2.3") == []


def test_a_failure_while_publishing_rolls_everything_back(app, staff_client, monkeypatch):
    from portal.services.errors import InvalidInput
    from portal.services.sheets import apply

    editor = staff_client("editor")
    site_id = add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    data, _ = _fill(download(editor), "3.2.1", "road_km", 1.5)
    site_row = row_of(data, SITES, str(site_id), key="site_id")
    data = edit_xlsx(data, [(SITES, site_row, "new_stage", "施工中"), (SITES, site_row, "happened_on", "2023-10-01")])
    preview = upload(editor, data)

    def broken(*args, **kwargs):
        raise InvalidInput({"stage": "Unknown stage."})

    monkeypatch.setattr(apply, "add_stage", broken)  # fails after the work point's entry was added
    r = publish(editor, preview)
    assert r.status_code == 409 and "没有发布任何内容" in text_of(r.data)
    assert _history(app, "3.2.1") == [] and not _audit(app, "sheet.publish") and not _audit(app, "item.update")


def test_publishing_holds_the_forms_locks_on_every_record_before_checking(app, staff_client, monkeypatch):
    from portal.services.sheets import apply

    editor = staff_client("editor")
    site_id = add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    data, _ = _fill(download(editor), "3.2.1", "road_km", 1.5)
    site_row = row_of(data, SITES, str(site_id), key="site_id")
    data = edit_xlsx(data, [(SITES, site_row, "new_stage", "施工中"), (SITES, site_row, "happened_on", "2023-10-01"),
                            (SITES, site_row + 1, "code", "2.3"), (SITES, site_row + 1, "target", "consultations"),
                            (SITES, site_row + 1, "name_zh", "测试小区5号楼"),
                            (SITES, site_row + 1, "new_stage", "征询居民意见")])
    preview = upload(editor, data)
    steps = []
    monkeypatch.setattr(apply, "hold_write_lock", steps.append)
    checked = apply.check
    monkeypatch.setattr(apply, "check", lambda parsed: steps.append("check") or checked(parsed))
    assert publish(editor, preview).status_code == 302
    plan = "2023-city-management"
    # A form's update made between the check and the commit would otherwise be published over unseen.
    assert {f"item:{plan}/3.2.1", f"site:{site_id}", f"sites:{plan}/2.3"} <= set(steps[:steps.index("check")])


PROBLEMS = [
    # (column edited, value, words of the English message)
    ("code", "9.9", "There is no work point with the code “9.9”"),
    ("new_value", "2.5", "whole number"),
    ("new_value", "-3", "cannot be negative"),
    ("new_value", "many", "Please give a number"),
    ("happened_on", "2030-01-01", "cannot be in the future"),
    ("happened_on", "2023-01-01", "before the date of the notice"),
    ("new_status", "差不多", "Please choose one of the statuses"),
    ("note_zh", "", "Please say what changed, in Chinese"),
    ("metric", "改过的指标", "This column is locked"),
]


@pytest.mark.parametrize("column,value,words", PROBLEMS)
def test_each_problem_names_sheet_row_and_column_in_the_staff_language(app, staff_client, column, value, words):
    from portal.services.sheets.columns import ITEMS as SHEET

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, row = _fill(download(editor), "2.3", "consultations", 12)
    data = edit_xlsx(data, [(ITEMS, row, column, value)])
    body = text_of(upload(editor, data).data)
    letter = SHEET.letter(column)
    assert f"row {row}, column {letter} ({SHEET.column(column).en}): " in body and words in body, body[-900:]
    assert _history(app, "2.3") == []


def test_site_problems_name_their_row_and_column(app, staff_client):
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data = download(editor)
    row = 2  # no site yet: the first empty row
    data = edit_xlsx(data, [(SITES, row, "code", "2.3"), (SITES, row, "name_zh", "新楼"),
                            (SITES, row, "place", "月球"), (SITES, row, "new_stage", "拆除")])
    body = text_of(upload(editor, data).data)
    assert f"row {row}, column D (Place): Unknown place." in body
    assert f"row {row}, column K (New stage): Unknown stage." in body


def test_a_value_above_the_target_is_allowed_but_marked(app, staff_client):
    editor = staff_client("editor")
    data, _ = _fill(download(editor), "2.3", "consultations", 40)
    page = upload(editor, data)
    assert "超过目标值 35" in text_of(page.data) and "/publish" in page.data.decode()


def test_csv_with_chinese_round_trips_intact(app, staff_client):
    editor = staff_client("editor")
    raw = download(editor, "items.csv")
    assert raw.startswith("\ufeff".encode()) and "老楼加装电梯" in raw.decode("utf-8-sig")
    rows = csv_rows(raw)
    cols = {h.split(" / ")[1]: n for n, h in enumerate(csv_header(rows))}
    target = next(r for r in rows if r[0] == "2.3" and r[cols["Target key"]] == "consultations")
    note = "完成意愿征询：“张江路88弄”3号楼（含2台）；居民同意率100%。"
    target[cols["New value"]], target[cols["New status"]] = "3", "推进中"
    target[cols["What changed (zh)"]], target[cols["Date it happened"]] = note, "2023/9/1"
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese Windows saves GB18030
        page = upload(editor, csv_bytes(rows, encoding), "进度.csv")
        assert "/publish" in page.data.decode(), text_of(page.data)[-600:]
    publish(editor, page)
    assert [e.note_zh for e in _history(app, "2.3")] == [note]


@pytest.mark.parametrize("data,name", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "photo.png"),
    (b"just some words, not a sheet\nline two", "notes.txt"),
    (b"PK\x03\x04 broken zip", "broken.xlsx"),
])
def test_a_file_that_is_not_a_sheet_is_refused(app, staff_client, data, name):
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    page = upload(editor, data, name)
    assert "This file is not a progress sheet" in text_of(page.data) and "/publish" not in page.data.decode()


def test_a_zip_bomb_is_refused_before_it_is_opened(app, staff_client, monkeypatch):
    from openpyxl.reader.excel import ExcelReader

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < 200 * 1024

    def never(*a, **k):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr(ExcelReader, "read", never)
    page = upload(editor, bomb.getvalue(), "bomb.xlsx")
    assert "unpacks to far more" in text_of(page.data)


def _bloated(data: bytes, part: str) -> bytes:
    """The downloaded workbook with one part that openpyxl builds whole grown to 10 MB (under the 40 MB the
    archive may unpack to): its styles (60 bytes a cell format) or its shared strings (17 bytes a string)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if part == "styles" and info.filename == "xl/styles.xml":
                body = body.replace(b"</cellXfs>", b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * 190_000
                                    + b"</cellXfs>")
            if part == "strings" and info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/xl/strings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            dst.writestr(info, body)
        if part == "strings":
            dst.writestr("xl/strings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         + b"<si><t>a</t></si>" * 600_000 + b"</sst>")
    return out.getvalue()


@pytest.mark.parametrize("part", ["styles", "strings"])
def test_a_workbook_whose_styles_or_strings_unpack_to_megabytes_is_refused_unread(app, staff_client, part):
    """openpyxl streams the worksheets but builds its other parts whole: a 128 KB upload whose styles unpacked to
    37 MB took 943 MB of memory and 8 s to read (shared strings: 211 MB, 15 s), within the archive's 40 MB."""
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data = _bloated(download(editor), part)
    assert len(data) < 200 * 1024
    page = upload(editor, data, "bloated.xlsx")
    assert "unpacks to far more" in text_of(page.data)


def test_an_oversized_file_is_refused_and_a_large_sheet_accepted(app, staff_client):
    editor = staff_client("editor")
    assert upload(editor, b"x" * (2 * 1024 * 1024 + 1), "big.csv").status_code == 413
    rows = csv_rows(download(editor, "items.csv"))
    rows += [["", "", "填充" * 40] for _ in range(800)]  # about 100 KB, above the 64 KB limit of other forms
    page = upload(editor, csv_bytes(rows), "large.csv")
    assert page.status_code == 200 and "没有变化" in text_of(page.data)
    r = app.test_client().post("/zh/plans/2023-city-management/items/2.3/feedback", data={"body": "x" * 200_000})
    assert r.status_code == 413  # everywhere else the global limit still holds
    # The upload's larger limit is for staff who may upload: anyone else meets the global one there too.
    for stranger in (app.test_client(), staff_client("moderator")):
        assert upload(stranger, b"x" * 1_500_000, "big.csv").status_code == 413


def test_the_pages_and_the_guide_say_the_configured_largest_file(app, staff_client):
    """PORTAL_SHEET_MAX_BYTES may be set, but the upload label and the workbook's guide said "2 MB" whatever
    it was, and a file over it was told "Too much text … shorten it"."""
    from openpyxl import load_workbook

    app.config["SHEET_MAX_BYTES"] = 512 * 1024
    editor = staff_client("editor")
    guide = " ".join(str(c.value) for c in load_workbook(io.BytesIO(download(editor)))["填写说明"]["A"])
    assert "不超过 512\u00a0kB）" in guide and "2 MB" not in guide
    for lang, label, refused in (("en", "at most 512 kB)", "larger than 512 kB"), ("zh", "不超过 512 kB）", "文件超过 512 kB")):
        editor.set_cookie("lang", lang)
        page = text_of(editor.get("/staff/progress-sheets").data)
        assert label in page and "2 MB" not in page, lang
        # The size's figure and unit never part on a phone ("512" / "kB"): a no-break space, in the label itself.
        assert label.replace(" kB", "\u00a0kB") in editor.get("/staff/progress-sheets").data.decode(), lang
        r = upload(editor, b"x" * (512 * 1024 + 1), "big.csv")
        assert r.status_code == 413 and refused in text_of(r.data), (lang, text_of(r.data))


@pytest.mark.parametrize("role,allowed", [("moderator", False), ("editor", True), ("admin", True)])
def test_editors_and_admins_only(app, staff_client, role, allowed):
    client = staff_client(role)
    pages = ["/staff/progress-sheets", "/staff/progress-sheets/download?format=xlsx"]
    for path in pages:
        assert client.get(path).status_code == (200 if allowed else 403), path
    if not allowed:
        assert not _audit(app, "sheet.download")


def test_every_download_and_upload_is_in_the_audit_log(app, staff_client):
    editor = staff_client("editor")
    data = download(editor, "xlsx", office="shejianban")
    upload(editor, data, "社建办.xlsx")
    (down,), (up,) = _audit(app, "sheet.download"), _audit(app, "sheet.upload")
    assert down.target_id == "shejianban" and down.after["format"] == "xlsx" and down.username.startswith("editor")
    assert up.after["file"] == "社建办.xlsx" and len(up.after["sha256"]) == 64


def test_the_item_form_refuses_half_a_lift_too(app):
    from datetime import date

    from portal.services.content import content
    from portal.rules.records import update_problems

    day = date(2023, 9, 1)
    with app.test_request_context():
        errors, _ = update_problems(content().item("2.3"), "in_progress", "x", "", day, {"consultations": "2.5"},
                                    set(), day)
        assert errors == {"progress_consultations": "This target counts things; please give a whole number."}
        errors, _ = update_problems(content().item("3.2.1"), "in_progress", "x", "", day, {"road_km": "1.5"}, set(), day)
        assert errors == {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=800).map(lambda s: s.encode("utf-8")),
                 st.lists(st.lists(st.text(max_size=12), max_size=18), max_size=6).map(
                     lambda rows: csv_bytes([["编号 / Code", "新状态 / New status", "新数值 / New value"]] + rows))))
def test_any_upload_gives_a_preview_never_an_error(app, data):
    from portal.services.sheets.check import check
    from portal.services.sheets.read import read

    with app.test_request_context():
        plan = check(read(data, "x"))
        assert not plan.publishable or plan.changes > 0
        for p in plan.problems:
            assert p.text()


def test_an_upload_is_previewed_and_published_only_by_the_one_who_sent_it(app, staff_client):
    first, second = staff_client("editor"), staff_client("editor")
    data, _ = _fill(download(first), "2.3", "consultations", 12)
    preview = upload(first, data)
    token_path = preview.request.path
    assert second.get(token_path).status_code == 404
    assert publish(first, preview).status_code == 302
    again = publish(first, preview)  # a second click on the same button
    assert again.status_code == 302 and len(_history(app, "2.3")) == 1


def test_rows_of_one_work_point_agree_and_counted_targets_stay_locked(app, staff_client):
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    data, first = _fill(download(editor), "2.3", "starts", 3)
    second = row_of(data, ITEMS, "2.3", "completions")
    data = edit_xlsx(data, [(ITEMS, second, "note_zh", "另一种说法"),
                            (ITEMS, row_of(data, ITEMS, "2.3", "consultations"), "new_value", 9)])
    body = text_of(upload(editor, data).data)
    assert f"row {second}, column O (What changed (zh)): Another row of this work point gives a different value" in body
    assert "counted from its project sites" in body
    assert _history(app, "2.3") == []


def test_choosing_the_current_status_again_is_no_change(app, staff_client):
    editor = staff_client("editor")
    publish_update(app, "2.3", "in_progress", "开始征询", "2023-08-01")
    data = download(editor)
    data = edit_xlsx(data, [(ITEMS, row_of(data, ITEMS, "2.3", "starts"), "new_status", "推进中")])
    assert "没有变化" in text_of(upload(editor, data).data)


def test_names_that_look_like_formulas_or_hold_control_characters_stay_text(app, staff_client):
    from openpyxl import load_workbook

    editor = staff_client("editor")
    add_site(app, "2.3", '=HYPERLINK("http://example.com","点我")', "consultation", building="-1号楼")
    add_site(app, "2.3", "楼\x01名\x1f", "consultation")
    data = download(editor)
    ws = load_workbook(io.BytesIO(data))[SITES]
    assert ws.cell(row=2, column=5).data_type == "s" and ws.cell(row=3, column=5).value == "楼名"
    raw = download(editor, "sites.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in raw and "'-1号楼" in raw
    for fmt, name in (("xlsx", "s.xlsx"), ("sites.csv", "p.csv")):
        assert "没有变化" in text_of(upload(editor, download(editor, fmt), name).data), fmt


def test_a_percentage_is_read_as_the_clerk_sees_it(app, staff_client):
    from openpyxl import load_workbook

    editor = staff_client("editor")
    data = download(editor)
    row = row_of(data, ITEMS, "4.1", "compliance_rate")
    cell = load_workbook(io.BytesIO(data))[ITEMS].cell(row=row, column=13)
    assert "%" in cell.number_format  # the template shows a percentage as one
    # Excel stores 96% as 0.96 with a percent format; '0.0\%' only shows a % sign, and 97 stays 97.
    for value, fmt, shown in ((0.96, "0%", 96), (0.965, "0.0%", 96.5), (97, '0.0\\%', 97)):
        filled, _ = _fill(data, "4.1", "compliance_rate", value)
        body = text_of(upload(editor, format_xlsx(filled, [(ITEMS, row, "new_value", fmt)])).data)
        assert f"→ {shown:g} %" in body, (fmt, body[-600:])
    publish(editor, upload(editor, format_xlsx(_fill(data, "4.1", "compliance_rate", 0.96)[0],
                                               [(ITEMS, row, "new_value", "0%")])))
    rate = app.test_client().get("/api/v1/items/4.1").get_json()["targets"]
    assert [t["progress"] for t in rate if t["key"] == "compliance_rate"] == [96]


def _csv_filled(raw: bytes, code: str, target: str, value: str) -> tuple[list[list[str]], int]:
    """The items CSV with one target's new value filled in, as Excel saves it; and that value's row number."""
    rows = csv_rows(raw)
    cols = {h.split(" / ")[1]: n for n, h in enumerate(csv_header(rows))}
    n, row = next((n, r) for n, r in enumerate(rows, start=1) if r[0] == code and r[cols["Target key"]] == target)
    row[cols["New value"]], row[cols["New status"]] = value, "推进中"
    row[cols["What changed (zh)"]], row[cols["Date it happened"]] = "完成检查", "2023-09-01"
    return rows, n


def test_a_percentage_saved_as_csv_by_excel_is_read_as_in_the_xlsx(app, staff_client):
    editor = staff_client("editor")
    raw = download(editor, "items.csv")
    # Excel saves a percent-formatted cell to CSV as the text it shows; a Chinese input method types full width.
    for text, shown in (("96%", 96), ("96 %", 96), ("９６％", 96), ("96.5%", 96.5), ("９６．５ ％", 96.5)):
        body = text_of(upload(editor, csv_bytes(_csv_filled(raw, "4.1", "compliance_rate", text)[0]), "进度.csv").data)
        assert f"→ {shown:g} %" in body, (text, body[-600:])
    publish(editor, upload(editor, csv_bytes(_csv_filled(raw, "4.1", "compliance_rate", "96%")[0]), "进度.csv"))
    rate = app.test_client().get("/api/v1/items/4.1").get_json()["targets"]
    assert [t["progress"] for t in rate if t["key"] == "compliance_rate"] == [96]


def test_two_rows_of_one_percentage_agree_whether_written_with_the_sign_or_without(app, staff_client):
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    rows, n = _csv_filled(download(editor, "items.csv"), "4.1", "compliance_rate", "96%")
    copy = list(rows[n - 1])
    cols = {h.split(" / ")[1]: k for k, h in enumerate(csv_header(rows))}
    copy[cols["New value"]] = "96"  # the same project on a second row, typed rather than saved from Excel
    body = text_of(upload(editor, csv_bytes([*rows[:n], copy, *rows[n:]]), "进度.csv").data)
    assert "Another row of this work point gives a different value" not in body and "→ 96 %" in body, body[-900:]
    copy[cols["New value"]] = "95%"
    body = text_of(upload(editor, csv_bytes([*rows[:n], copy, *rows[n:]]), "进度.csv").data)
    assert f"row {n + 1}, column" in body and "Another row of this work point gives a different value" in body


def test_a_csv_with_a_title_line_above_its_header_is_read_and_problems_name_the_files_own_rows(app, staff_client):
    """Excel users put a title line (the plan's name) on top, above the plan row or in its place: the header
    is looked for in the first rows of a CSV as of a worksheet, and rows keep the numbers Excel shows."""
    from portal.services.sheets.columns import ITEMS as SHEET

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    rows, row = _csv_filled(download(editor, "items.csv"), "2.3", "consultations", "12%")
    title = ["张江镇2023年城市管理工作要点进度表"]
    for titled, shift in (([title, *rows], 1), ([title, [], *[r for r in rows if r[:1] != ["计划 / Plan"]]], 1)):
        body = text_of(upload(editor, csv_bytes(titled), "进度.csv").data)
        where = f"row {row + shift}, column {SHEET.letter('new_value')} (New value): "
        assert where + "This target is not a percentage" in body, body[-900:]
    body = text_of(upload(editor, csv_bytes([title, *_csv_filled(download(editor, "items.csv"), "2.3",
                                                                     "consultations", "12")[0]]), "进度.csv").data)
    assert "→ 12" in body and "No changes" not in body, body[-900:]


def test_a_percent_sign_on_a_count_is_refused_naming_the_cell(app, staff_client):
    from portal.services.sheets.columns import ITEMS as SHEET

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    rows, row = _csv_filled(download(editor, "items.csv"), "2.3", "consultations", "12%")
    body = text_of(upload(editor, csv_bytes(rows), "进度.csv").data)
    where = f"row {row}, column {SHEET.letter('new_value')} (New value): "
    assert where + "This target is not a percentage" in body, body[-900:]
    # The same in an .xlsx cell formatted as a percentage: 0.12 shown as 12%.
    data, row = _fill(download(editor), "2.3", "consultations", 0.12)
    body = text_of(upload(editor, format_xlsx(data, [(ITEMS, row, "new_value", "0%")])).data)
    assert f"row {row}, column {SHEET.letter('new_value')} (New value): This target is not a percentage" in body
    assert _history(app, "2.3") == []


def _one_value_sheet(value, number_format: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["编号 / Code", "新状态 / New status", "新数值 / New value"])
    wb.active.append(["4.1", "推进中", value])
    if number_format:
        wb.active["C2"].number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=1000), st.sampled_from(["0%", "0.0%", "0.0#%", "0.00%"]))
def test_a_percentage_reads_the_same_from_csv_text_and_an_xlsx_cell(tenths, number_format):
    from portal.rules.progress import parse_number
    from portal.services.sheets.read import read

    p = tenths / 10
    as_csv = read(csv_bytes([["编号 / Code", "新状态 / New status", "新数值 / New value"], ["4.1", "推进中", f"{p}%"]]),
                  "x.csv").rows["items"][0]["cells"]["new_value"]
    as_xlsx = read(_one_value_sheet(p / 100, number_format), "x.xlsx").rows["items"][0]["cells"]["new_value"]
    assert parse_number(as_csv) == parse_number(as_xlsx) == p


def _titles_above(data: bytes, title: str, rows: int) -> bytes:
    """The sheet with title rows above its header, as offices often add."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    wb[title].insert_rows(1, rows)
    wb[title]["A1"] = "张江镇2023年城市管理工作要点进度表"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_header_below_title_rows_is_found_and_a_missing_sheet_is_said(app, staff_client):
    editor = staff_client("editor")
    data, row = _fill(download(editor), "2.3", "consultations", 12, status="差不多")
    page = upload(editor, _titles_above(data, ITEMS, 2))
    body = text_of(page.data)
    assert f"“进度”表第 {row + 2} 行 N 列（新状态）：请选择一个状态。" in body, body[-900:]
    data, _ = _fill(download(editor), "2.3", "consultations", 12)
    body = text_of(upload(editor, _titles_above(data, ITEMS, 2)).data)
    assert "→ 12" in body and "没有变化：" not in body
    page = upload(editor, _titles_above(data, ITEMS, 10))  # header on row 11: too far down to be looked for
    body = text_of(page.data)
    assert "工作簿中没有找到“进度”表" in body and "没有变化：" not in body and "/publish" not in page.data.decode()


def test_a_second_table_of_a_kind_is_refused_and_problems_name_the_tab(app, staff_client):
    from openpyxl import load_workbook

    editor = staff_client("editor")
    data, row = _fill(download(editor), "2.3", "consultations", 12)
    wb = load_workbook(io.BytesIO(data))
    old = wb.copy_worksheet(wb[ITEMS])
    old.title = "进度旧"
    old.cell(row=row, column=13, value=5)  # an old copy of the table, with an old figure
    out = io.BytesIO()
    wb.save(out)
    page = upload(editor, out.getvalue())
    body = text_of(page.data)
    assert "“进度”和“进度旧”两张表都是“进度”表" in body and "/publish" not in page.data.decode(), body[-900:]
    # One table whose tab was renamed: its problems name the tab; two rows of one target must agree.
    wb = load_workbook(io.BytesIO(data))
    wb[ITEMS].title = "进度（社建办）"
    wb["进度（社建办）"].insert_rows(row + 1)
    for col in range(1, 13):
        wb["进度（社建办）"].cell(row=row + 1, column=col, value=wb["进度（社建办）"].cell(row=row, column=col).value)
    wb["进度（社建办）"].cell(row=row + 1, column=13, value=5)
    out = io.BytesIO()
    wb.save(out)
    body = text_of(upload(editor, out.getvalue()).data)
    assert f"“进度（社建办）”表第 {row + 1} 行 M 列（新数值）：同一项工作的另一行在这一列填了不同的内容" in body, body[-900:]


def test_a_merged_cell_gives_its_value_to_every_row_it_covers(app, staff_client):
    from openpyxl import load_workbook

    editor = staff_client("editor")
    data = download(editor)
    ws = load_workbook(io.BytesIO(data))[ITEMS]
    codes = [ws.cell(row=n, column=1).value for n in range(1, ws.max_row + 1)]
    row = next(n for n in range(2, len(codes)) if codes[n - 1] == "2.3" and codes[n] != "2.3")  # 2.3's last row
    second = codes[row]
    data = edit_xlsx(data, [(ITEMS, r, key, value) for r in (row, row + 1)
                            for key, value in (("new_status", "推进中"), ("note_zh", "开始推进"))]
                     + [(ITEMS, row, "happened_on", "2023-09-01")])
    wb = load_workbook(io.BytesIO(data))
    wb[ITEMS].merge_cells(start_row=row, end_row=row + 1, start_column=17, end_column=17)  # 发生日期 of both
    out = io.BytesIO()
    wb.save(out)
    r = publish(editor, upload(editor, out.getvalue()))
    assert r.status_code == 302
    assert [str(e.happened_on) for e in _history(app, "2.3") + _history(app, second)] == ["2023-09-01"] * 2


def test_problems_give_the_column_where_the_office_put_it(app, staff_client):
    from openpyxl import load_workbook

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, row = _fill(download(editor), "2.3", "consultations", 2.5)
    wb = load_workbook(io.BytesIO(data))
    wb[ITEMS].insert_cols(1)  # the office numbers its rows in a column of its own
    wb[ITEMS]["A1"] = "序号"
    wb[ITEMS].delete_cols(16)  # and has no use for the Chinese note: column O, now P
    out = io.BytesIO()
    wb.save(out)
    body = text_of(upload(editor, out.getvalue()).data)
    assert f"row {row}, column N (New value): This target counts things" in body, body[-900:]
    assert f"row {row}, column “What changed (zh)” (missing from the sheet): Please say what changed" in body


def test_a_project_on_two_rows_is_a_problem(app, staff_client):
    from openpyxl import load_workbook

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    site_id = add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    data = download(editor)
    row = row_of(data, SITES, str(site_id), key="site_id")
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SITES]
    for col in range(1, 11):  # the project's row copied onto the first empty row
        ws.cell(row=row + 1, column=col, value=ws.cell(row=row, column=col).value)
    for r, stage in ((row, "施工中"), (row + 1, "已完工")):
        ws.cell(row=r, column=11, value=stage)
        ws.cell(row=r, column=14, value="2023-10-01")
    out = io.BytesIO()
    wb.save(out)
    page = upload(editor, out.getvalue())
    assert f"row {row + 1}, column A (Project ID): This project is already on row {row}" in text_of(page.data)
    assert "/publish" not in page.data.decode()


def _sites(app, code: str):
    from portal.extensions import db
    from portal.models import ProjectSite

    with app.app_context():
        return [(s.name_zh, s.stage, len(s.stages)) for s in
                db.session.query(ProjectSite).filter_by(item_code=code).order_by(ProjectSite.id)]


def test_a_back_dated_sheet_uploaded_again_is_not_published_twice(app, staff_client):
    editor = staff_client("editor")
    site_id = add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations", on="2023-08-01")
    publish_update(app, "3.2.1", "in_progress", "同事的更新", "2023-09-05", progress={"road_km": 2})
    from progress_support import move_site
    move_site(app, site_id, "construction", "2023-09-05", "开工")
    # An office reports, late, what happened in August: earlier than the newest entries.
    data, _ = _fill(download(editor), "3.2.1", "road_km", 1.5, on="2023-08-20", note="八月完成1.5公里")
    row = row_of(data, SITES, str(site_id), key="site_id")
    data = edit_xlsx(data, [(SITES, row, "new_stage", "施工中"), (SITES, row, "note_zh", "八月先开工一部分"),
                            (SITES, row, "happened_on", "2023-08-20")])
    first = upload(editor, data)
    assert "/publish" in first.data.decode(), text_of(first.data)[-900:]
    assert publish(editor, first).status_code == 302
    assert len(_history(app, "3.2.1")) == 2 and _sites(app, "2.3")[0][2] == 3
    again = upload(editor, data)  # the same file again, by mistake
    body = text_of(again.data)
    assert "没有变化" in body and "/publish" not in again.data.decode(), body[-900:]
    assert len(_history(app, "3.2.1")) == 2 and _sites(app, "2.3")[0][2] == 3


def test_a_project_another_office_added_first_is_not_dropped_silently(app, staff_client):
    first, second = staff_client("editor"), staff_client("editor")
    second.set_cookie("lang", "en")
    sheet = download(first)

    def adding(stage, note):
        return edit_xlsx(sheet, [(SITES, 2, "code", "2.3"), (SITES, 2, "target", "consultations"),
                                 (SITES, 2, "name_zh", "测试小区5号楼"), (SITES, 2, "building", "5号楼"),
                                 (SITES, 2, "new_stage", stage), (SITES, 2, "note_zh", note),
                                 (SITES, 2, "happened_on", "2023-10-02")])

    mine = adding("征询居民意见", "开始征询")
    assert publish(first, upload(first, mine)).status_code == 302
    # Another office, from its own copy, reports the same building at a later stage.
    page = upload(second, adding("施工中", "已开工"))
    body = text_of(page.data)
    assert "No changes" not in body and "/publish" not in page.data.decode(), body[-900:]
    assert "row 2, column E (Name)" in body and "already" in body, body[-1500:]
    assert _sites(app, "2.3") == [("测试小区5号楼", "consultation", 1)]
    assert "No changes" in text_of(upload(second, mine).data)  # the first file again is unchanged


def test_a_project_moved_after_the_download_is_no_locked_column_edited(app, staff_client):
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    site_id = add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    data, _ = _fill(download(editor), "3.2.1", "road_km", 1.5)
    row = row_of(data, ITEMS, "2.3", "starts")
    data = edit_xlsx(data, [(ITEMS, row, "new_status", "推进中"), (ITEMS, row, "note_zh", "居民意见汇总中"),
                            (ITEMS, row, "happened_on", "2023-09-01")])
    # Meanwhile a colleague adds a project and moves another in the item form: 2.3's counted figures change.
    from progress_support import move_site
    add_site(app, "2.3", "测试小区4号楼", "consultation", target="consultations")
    move_site(app, site_id, "construction", "2023-09-02", "开工")
    page = upload(editor, data)
    body = text_of(page.data)
    assert "This column is locked" not in body and "/publish" in page.data.decode(), body[-900:]
    assert publish(editor, page).status_code == 302
    assert [e.note_zh for e in _history(app, "2.3")] == ["居民意见汇总中"] and len(_history(app, "3.2.1")) == 1
    assert _sites(app, "2.3") == [("测试小区3号楼", "construction", 2), ("测试小区4号楼", "consultation", 1)]


def _zh_builtin_date(data: bytes, code: str, builtin: int) -> bytes:
    """The workbook as Excel on a Chinese Windows saves a date typed as 2023年9月1日: the cell's style names a
    built-in format of that locale by its number alone, with no format code in the file."""
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/styles.xml":
                text = body.decode()
                escaped = code.replace('"', "&quot;")
                m = re.search(rf'<numFmt numFmtId="(\d+)" formatCode="{re.escape(escaped)}"\s*/>', text)
                assert m, text[:600]
                text = text.replace(m.group(0), "").replace(f'numFmtId="{m.group(1)}"', f'numFmtId="{builtin}"')
                body = text.encode()
            dst.writestr(info, body)
    return out.getvalue()


def test_a_date_cell_is_read_as_the_clerk_sees_it(app, staff_client):
    from datetime import datetime

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, row = _fill(download(editor), "3.2.1", "road_km", 1.5, on=datetime(2023, 9, 1))
    # Typed as 2023年9月1日 in Excel on a Chinese Windows: built-in format 31, a date like any other.
    zh_day = _zh_builtin_date(format_xlsx(data, [(ITEMS, row, "happened_on", 'yyyy"年"m"月"d"日"')]),
                              'yyyy"年"m"月"d"日"', 31)
    page = upload(editor, zh_day)
    body = text_of(page.data)
    assert "Date it happened: 2023-09-01" in body and "/publish" in page.data.decode(), body[-900:]
    # Typed as 2023年9月 or 9月1日: the cell shows no day (or no year), and the portal must not invent one.
    where = f"row {row}, column Q (Date it happened): Please give the date as 2023-09-01, 2023/9/1, 2023.9.1 or 2023年9月1日"
    for number_format, builtin in (('yyyy"年"m"月"', None), ('yyyy"年"m"月"', 57), ('m"月"d"日"', None),
                                   ('m"月"d"日"', 58), ("mmm-yy", None)):
        sheet = format_xlsx(data, [(ITEMS, row, "happened_on", number_format)])
        if builtin:
            sheet = _zh_builtin_date(sheet, number_format, builtin)
        page = upload(editor, sheet)
        body = text_of(page.data)
        assert where in body and "/publish" not in page.data.decode(), (number_format, builtin, body[-900:])
    assert _history(app, "3.2.1") == []


def test_the_preview_says_when_a_date_before_the_newest_entry_leaves_the_current_state(app, staff_client):
    from progress_support import move_site

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    site_id = add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations", on="2023-08-01")
    move_site(app, site_id, "construction", "2023-09-05", "开工")
    publish_update(app, "3.2.1", "in_progress", "同事的更新", "2023-09-05", progress={"road_km": 2})
    data, _ = _fill(download(editor), "3.2.1", "road_km", 1.5, status="已完成", on="2023-08-20")
    row = row_of(data, SITES, str(site_id), key="site_id")
    data = edit_xlsx(data, [(SITES, row, "new_stage", "已完成"), (SITES, row, "happened_on", "2023-08-20")])
    page = upload(editor, data)
    body = text_of(page.data)
    # Published, these are history: the newest entries, of 5 September, still give the status and figures.
    assert body.count("dated before the newest entry (2023-09-05)") == 2, body[-1500:]
    assert publish(editor, page).status_code == 302
    api = app.test_client().get("/api/v1/items/3.2.1").get_json()
    assert api["status"]["code"] == "in_progress"
    assert [t["progress"] for t in api["targets"] if t["key"] == "road_km"] == [2]
    fresh, _ = _fill(download(editor), "3.2.1", "road_km", 2.5, on="2023-09-20")
    assert "dated before the newest entry" not in text_of(upload(editor, fresh).data)


def test_a_figure_lower_than_the_last_published_is_marked_in_the_preview(app, staff_client):
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    publish_update(app, "3.2.1", "in_progress", "完成2公里", "2023-09-05", progress={"road_km": 2})
    data, _ = _fill(download(editor), "3.2.1", "road_km", 0.2, on="2023-09-20")  # 2.0 typed as 0.2
    page = upload(editor, data)
    body = text_of(page.data)
    assert "2 → 0.2 km (lower than the figure published before)" in body, body[-900:]
    assert "/publish" in page.data.decode()  # a correction may lower a figure: marked, not refused
    data, _ = _fill(download(editor), "3.2.1", "road_km", 2.5, on="2023-09-20")
    assert "lower than the figure published before" not in text_of(upload(editor, data).data)


def test_a_work_point_code_typed_into_a_new_project_row_stays_text(app, staff_client):
    """A spreadsheet program reads 2.10 typed into a General cell as the number 2.1, which is another work point
    (next year's notice may have ten points in an area): the code cells are text cells."""
    from openpyxl import load_workbook

    editor = staff_client("editor")
    add_site(app, "2.3", "测试小区3号楼", "consultation", target="consultations")
    wb = load_workbook(io.BytesIO(download(editor)))
    for title in (ITEMS, SITES):
        ws = wb[title]
        codes = [ws.cell(row=n, column=1 if title == ITEMS else 2) for n in range(2, ws.max_row + 1)]
        assert codes and {c.number_format for c in codes} == {"@"}, title


def test_a_formula_saved_without_its_result_is_refused_not_read_as_empty(app, staff_client):
    """Excel and WPS save a formula's result beside it; a file written by a program (a macro, a script, openpyxl
    itself) may hold the formula alone, which read as an empty cell: the figure was dropped unseen."""
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, row = _fill(download(editor), "3.2.1", "road_km", "=1+0.5")
    page = upload(editor, data)
    body = text_of(page.data)
    assert f"row {row}, column M (New value): This cell holds a formula" in body, body[-900:]
    assert "/publish" not in page.data.decode() and _history(app, "3.2.1") == []


def test_a_computed_figure_is_read_as_the_spreadsheet_shows_it(app, staff_client):
    """=25*0.28 is stored as 7.000000000000001, shown (to 15 digits) and compared by Excel as 7."""
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, _ = _fill(download(editor), "2.3", "consultations", 25 * 0.28)
    data, _ = _fill(data, "3.2.1", "road_km", 1.1 + 0.2)  # 1.3000000000000003
    page = upload(editor, data)
    body = text_of(page.data)
    assert "whole number" not in body and "/publish" in page.data.decode(), body[-900:]
    assert publish(editor, page).status_code == 302
    api = app.test_client().get("/api/v1/items/3.2.1").get_json()
    assert [t["progress"] for t in api["targets"] if t["key"] == "road_km"] == [1.3]


@pytest.mark.parametrize("typed,words", [
    ("35台", "without a unit or other words (35, not 35台)"),
    ("1,200", "without separators between the digits (1200, not 1,200)"),
    ("1，200", "without separators between the digits (1200, not 1,200)"),
    ("11万", "without 万 or 亿 (110000, not 11万)"),
])
def test_a_figure_with_a_unit_or_separator_says_what_to_type(app, staff_client, typed, words):
    """"35台" or "1,200" was refused with only "Please give a number", which the clerk had (to their eyes) done."""
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, row = _fill(download(editor), "2.3", "consultations", typed)
    body = text_of(upload(editor, data).data)
    assert f"row {row}, column M (New value): Please give the number" in body and words in body, body[-900:]


def test_a_date_that_cannot_be_read_is_refused_listing_the_ways_to_write_one(app, staff_client):
    """"6月底" was refused with "Please give the date as YYYY-MM-DD", though 2023/9/1 and 2023年9月1日 are read too."""
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, row = _fill(download(editor), "2.3", "consultations", 3, on="6月底")
    body = text_of(upload(editor, data).data)
    assert f"row {row}, column Q (Date it happened): Please give the date as 2023-09-01, 2023/9/1, 2023.9.1 or " \
           "2023年9月1日" in body, body[-900:]


def test_a_conflict_with_no_entry_now_says_so_rather_than_an_empty_date(app, staff_client):
    """A row downloaded with an entry where the work point has none now: "the newest entry is now dated ." """
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    data, row = _fill(download(editor), "2.3", "consultations", 3)
    body = text_of(upload(editor, edit_xlsx(data, [(ITEMS, row, "version", 999)])).data)
    assert "dated )" not in body and "dated ." not in body, body[-900:]
    assert "has no entry now" in body, body[-900:]


def test_a_used_range_reaching_column_xfd_is_read_only_as_wide_as_its_header(app, staff_client, monkeypatch):
    """A cell formatted at XFD (a whole row formatted, say) made openpyxl's read-only mode pad every row of the
    sheet to 16,384 cells, each read: a 60 KB file cost minutes. The reading stops at the header's last column."""
    import time

    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from portal.services.sheets import read as reader

    editor = staff_client("editor")
    data, row = _fill(download(editor), "3.2.1", "road_km", 1.5)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[ITEMS]
    ws.cell(row=row, column=16384).font = Font(bold=True)  # an empty cell, formatted: the used range is A1:XFD…
    ws.cell(row=400, column=16384).font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    wide = out.getvalue()
    calls = 0
    shown = reader._shown

    def counted(cell):
        nonlocal calls
        calls += 1
        return shown(cell)

    monkeypatch.setattr(reader, "_shown", counted)
    started = time.perf_counter()
    parsed = reader.read(wide, "wide.xlsx")
    elapsed = time.perf_counter() - started
    assert calls < 50_000, (calls, elapsed)  # 400 rows of 17 columns, not of 16,384
    assert not parsed.problems and any(r["cells"].get("new_value") == "1.5" for r in parsed.rows["items"])
    monkeypatch.undo()
    assert "/publish" in upload(editor, wide).data.decode()


def test_a_csv_of_a_million_empty_lines_is_read_row_by_row():
    """The rows limit bounds the work and the memory of a CSV upload as it does an .xlsx one: a 2 MB file of
    line breaks held a million row lists at once (about 150 MB in the worker) before anything was checked."""
    import tracemalloc

    from portal.services.sheets.read import read

    for header, read_as_sheet in ((b"", False), ("编号 / Code,新状态 / New status\r\n".encode(), True)):
        data = header + b"\r\n" * (1024 * 1024 - len(header))  # the largest upload allowed, nearly every byte a row
        tracemalloc.start()
        try:
            parsed = read(data, "blank.csv")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert bool(parsed.sheets) == read_as_sheet and parsed.problems
        assert peak < 20 * 1024 * 1024, f"{peak / 2**20:.0f} MB"
    assert "at most %(n)s rows" in parsed.problems[-1].message


def test_the_uploads_larger_limit_is_for_the_file_alone(app, staff_client):
    # The upload's raised request limit (2 MB) let its text in too: a form of 1 MB, sent URL-encoded, was read
    # whole into request.form, and a 400 KB text part of a multipart one (Flask's 500 KB a part), where every
    # other route takes 64 KB at most.
    editor = staff_client("editor")
    token = csrf_from(editor.get("/staff/progress-sheets").data)
    r = editor.post("/staff/progress-sheets/upload", data={"csrf_token": token, "note": "x" * 1_000_000})
    assert r.status_code == 413
    r = editor.post("/staff/progress-sheets/upload", content_type="multipart/form-data",
                    data={"csrf_token": token, "note": "x" * 400_000, "sheet": (io.BytesIO(b"code\n"), "s.csv")})
    assert r.status_code == 413
    r = editor.post("/staff/progress-sheets/upload", content_type="multipart/form-data", data={
        "csrf_token": token, "sheet": (io.BytesIO(b"code\n"), "s.csv"), **{f"f{n}": "x" for n in range(50)}})
    assert r.status_code == 413  # the form has two parts; fifty more are not a sheet being uploaded
