"""Next year's notice as a town's IT person gets it: the quirks real notices have, each either imported
as the notice says or refused naming its line, with nothing changed. The notices here are written for
these tests in the 2023 notice's style; they are not real documents and never go into content/."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from portal.content.normalize import normalise
from portal.services.plans import import_notice

ROOT = Path(__file__).resolve().parent.parent
SLUG = "2025-city-management"

HEAD = """浦东新区张江镇人民政府

浦张府〔2025〕8号

张江镇人民政府关于印发《张江镇2025年城市管理精细化工作要点》的通知

镇机关各办公室、镇属各企事业单位，各居（村）委、相关单位：

现将《张江镇2025年城市管理精细化工作要点》印发给你们，请认真对照执行。

上海市浦东新区张江镇人民政府

2025年2月20日

张江镇2025年城市管理精细化工作要点

为深入践行“人民城市人民建、人民城市为人民”重要理念，特制定本镇2025年城市管理精细化工作要点。

"""


@pytest.fixture
def content(tmp_path):
    dest = tmp_path / "content"
    shutil.copytree(ROOT / "content", dest)
    return dest


def _parsed(body: str, tmp_path: Path, content: Path, name: str = "notice.txt"):
    source = tmp_path / name
    source.write_text(HEAD + body, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    return planned


def _items(planned) -> dict[str, tuple]:
    return {i.code: (i.offices, i.supporting, i.deadline, i.when, i.official_text) for i in planned.notice.items}


# --- clauses on lines of their own --------------------------------------------------------------------

# Many notices set each work point's clause as a paragraph of its own; offices and months repeat.
CLAUSES_ON_THEIR_OWN_LINES = """一、开展市容环境整治行动

（一）整治沿街立面。

1. 完成张江路沿线店招店牌规范整治。
（责任部门：城运办；时间节点：全年）

2. 推进户外广告设施安全检测。
（责任部门：城运办；时间节点：全年）

3. 开展架空线入地和杆箱整治。
（责任部门：城运办；时间节点：全年）

二、开展居住小区品质提升行动

（一）工作目标

完成老旧小区综合改造。（责任部门：城建中心（房办）；时间节点：12月）

三、开展河道水环境治理行动

（一）工作目标

完成中小河道轮疏。（责任部门：规建办；时间节点：11月）

四、开展垃圾分类提质行动

（一）工作目标

巩固垃圾分类达标创建成果。（责任部门：城运办；时间节点：全年）
"""


def test_a_clause_or_heading_repeated_in_a_txt_is_not_taken_for_a_running_header(content, tmp_path):
    """A short line seen three times used to be blanked as a page header wherever it stood, so the clauses
    vanished (the import blamed a missing clause) and a heading every area repeats silently lost its areas."""
    planned = _parsed(CLAUSES_ON_THEIR_OWN_LINES, tmp_path, content)
    assert planned.problems == []
    got = _items(planned)
    assert list(got) == ["1.1.1", "1.1.2", "1.1.3", "2.1", "3.1", "4.1"]
    assert got["1.1.2"][:4] == (["城运办"], [], "2025-12", "全年")
    assert [s.subsections[0].title for s in planned.notice.sections[1:]] == ["工作目标"] * 3


def test_running_headers_still_go_where_pages_are_marked():
    """A pdftotext .txt: a form feed between pages, the header first on each page; a clause that recurs
    inside a page stays."""
    clause = "（责任部门：城运办；时间节点：全年）"
    pages = [f"张江镇人民政府文件\n{n}. 第{n}项工作。\n{clause}\n第 {n} 页" for n in range(1, 4)]
    lines = normalise("\f".join(pages)).splitlines()
    assert "张江镇人民政府文件" not in lines and not [line for line in lines if line.startswith("第 ")]
    assert lines.count(clause) == 3 and lines[5] == "2. 第2项工作。"  # blanked, not removed: line numbers hold


# --- a heading run into its work point ------------------------------------------------------------------

HEADING_ON_THE_ITEMS_LINE = """一、开展公共空间品质提升行动

（一）实施高品质美丽街区建设。巩固市级“美丽街区”建设成果，完成张江路沿线街区改造1.2万平方米。（牵头单位：城运办；配合单位：规建办、城建中心；时间节点：2025年12月底）

（二）开展绿色社区创建。

完成不少于20个居委绿色社区达标创建。（责任部门：规建办；时间节点：年底前）
"""


def test_a_subsection_heading_on_the_same_line_as_its_work_point(content, tmp_path):
    planned = _parsed(HEADING_ON_THE_ITEMS_LINE, tmp_path, content)
    assert planned.problems == []
    sub = planned.notice.sections[0].subsections[0]
    assert sub.title == "实施高品质美丽街区建设"
    got = _items(planned)
    assert got["1.1"] == (["城运办", "规建办", "城建中心"], ["规建办", "城建中心"], "2025-12", "2025年12月底",
                          "巩固市级“美丽街区”建设成果，完成张江路沿线街区改造1.2万平方米。")
    assert got["1.2"][2:4] == ("2025-12", "年底前")


def test_a_heading_run_into_its_work_point_without_a_full_stop_is_refused_naming_the_line(content, tmp_path):
    planned = _parsed(HEADING_ON_THE_ITEMS_LINE.replace("建设。巩固", "建设，巩固"), tmp_path, content)
    assert [p.line for p in planned.problems] == [21]
    assert "no 。 between" in str(planned.problems[0]) and "实施高品质美丽街区建设，巩固" in str(planned.problems[0])


# --- a whole next-year notice: other areas, offices and deadline words --------------------------------

# Three areas (2023 had eight), a heading run into its work point, offices joined by 、 and ，, a
# 牵头/配合 split, full-width 1． numbers, figures with 万/余/约/以上/不少于, and the deadline words real
# notices use besides 9月底前.
NOTICE_2025 = HEAD.replace("浦张府〔2025〕8号", "浦张府[2025]8号") + """一、开展道路交通环境提升行动

（一）整治非机动车乱停放。

1．在地铁站点周边新增非机动车停放点不少于20处，规范停放秩序。（牵头单位：城运办；配合单位：综合行政执法队，城建中心；时间节点：第三季度）

2．开展共享单车清理，全年清理约1.2万辆。（责任部门：城运办、综合行政执法队；时间节点：长期坚持）

（二）推进道路大中修。完成道路大中修3.5万平方米以上。（责任部门：城建中心；完成时限：2025年11月30日前）

二、开展居住小区品质提升行动

（一）推进既有多层住宅加装电梯。

完成加装电梯意愿征询40台，开工20台。（牵头单位：社建办；配合单位：城建中心（房办）；时间节点：6月、12月）

三、开展城市运行安全保障行动

（一）排查燃气安全隐患。

1．完成餐饮场所燃气安全检查300余家。（责任部门：综合行政执法队；时间节点：上半年）

2．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：年底前）
"""

EXPECTED_2025 = {
    "1.1.1": (["城运办", "综合行政执法队", "城建中心"], ["综合行政执法队", "城建中心"], "2025-09", "第三季度"),
    "1.1.2": (["城运办", "综合行政执法队"], [], "2025-12", "长期坚持"),
    "1.2": (["城建中心"], [], "2025-11", "2025年11月30日前"),
    "2.1": (["社建办", "城建中心（房办）"], ["城建中心（房办）"], "2025-12", "6月、12月"),
    "3.1.1": (["综合行政执法队"], [], "2025-06", "上半年"),
    "3.1.2": (["经发办"], [], "2025-12", "年底前"),
}


def test_next_years_notice_with_its_own_deadline_words_reads_as_the_notice_says(content, tmp_path):
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and planned.notice.number == "浦张府〔2025〕8号" and planned.notice.year == 2025
    assert {code: got[:4] for code, got in _items(planned).items()} == EXPECTED_2025
    assert _items(planned)["1.2"][4] == "完成道路大中修3.5万平方米以上。"
    assert [s.title for s in planned.notice.sections] == [
        "开展道路交通环境提升行动", "开展居住小区品质提升行动", "开展城市运行安全保障行动"]


def test_another_notice_into_a_plans_folder_is_refused_and_the_plan_stays_as_it_was(content, tmp_path):
    """--slug copied from last year's command: the 2025 notice went into the 2023 plan's folder as if it were
    a corrected 2023 notice. The 2023 plan, published, became the 2025 notice, keeping 2023's plain-language
    text and, under the same codes, its progress updates and comments, with no move to refuse."""
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025, encoding="utf-8")
    folder = content / "plans" / "2023-city-management"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    from portal.content import ContentError
    for dry_run in (True, False):
        with pytest.raises(ContentError, match=r"content/plans/2023-city-management holds 浦张府〔2023〕45号.*"
                                               r"浦张府〔2025〕8号"):
            import_notice(source, "2023-city-management", content, dry_run=dry_run)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_work_point_with_two_clauses_is_refused_naming_the_line(content, tmp_path):
    """Sub-tasks with offices and deadlines of their own in one work point: the first clause was read as
    part of the second one's office (“城运办；时间节点：第三季度）；…（责任部门：城建中心”), the work point's
    deadline was the second one's and its text lost the sub-task."""
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025.replace("（责任部门：经发办；时间节点：年底前）", "（责任部门：经发办；时间节点：第三季度）；"
                                          "完成管道燃气改造（责任部门：城建中心；时间节点：年底前）"), encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert [(p.line, p.quote) for p in planned.problems] == [(41, "2．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：…")]
    assert "two" in str(planned.problems[0]) and outcome is None and not (content / "plans" / SLUG).exists()


def test_an_action_area_with_nothing_under_it_is_refused_naming_its_heading(content, tmp_path):
    """A page lost in printing or a heading pasted without its text: the plan loaded with area 二 empty
    and its work point missing, and no word said."""
    source = tmp_path / "notice.txt"
    lost = "（一）推进既有多层住宅加装电梯。\n\n完成加装电梯意愿征询40台，开工20台。（牵头单位：社建办；配合单位：城建中心（房办）；时间节点：6月、12月）\n\n"
    assert lost in NOTICE_2025
    source.write_text(NOTICE_2025.replace(lost, ""), encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert [str(p) for p in planned.problems] == ["line 29 “开展居住小区品质提升行动”: action area 二 has no work point"]
    assert outcome is None and not (content / "plans" / SLUG).exists()


def test_offices_separated_by_spaces_are_read_as_several_offices(content, tmp_path):
    """“城运办 综合行政执法队” lost its space with the typesetter's stray spaces (2023 年) and came in as one
    office, 城运办综合行政执法队, which the import then asked staff to add to offices.yaml."""
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025.replace("（责任部门：城运办、综合行政执法队；时间节点：长期坚持）",
                                          "（责任部门：城运办 综合行政执法队；时间节点：长期 坚持）")
                      .replace("时间节点：6月、12月", "时间节点：6 月 、12 月"), encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and planned.unknown_offices == []
    assert {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025
    assert planned.notice.items[1].clause == "（责任部门：城运办 综合行政执法队；时间节点：长期 坚持）"


@pytest.mark.parametrize("clause", ["（责任部门：经发办，时限：9月底前）", "（责任部门：经发办，9月底前）",
                                    "（牵头单位：经发办；配合单位：城建中心，年底前）"])
def test_a_deadline_under_a_key_it_does_not_know_is_not_read_as_an_office_and_no_deadline(content, tmp_path, clause):
    """The deadline was read as one more office (“时限：9月底前”, “9月底前”) and the work point as one the
    notice sets no deadline for: December, and a page saying so, for a notice that says 9月底前."""
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025.replace("（责任部门：经发办；时间节点：年底前）", clause), encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert [p.line for p in planned.problems] == [41] and "deadline" in str(planned.problems[0])
    assert outcome is None and not (content / "plans" / SLUG).exists()


@pytest.mark.parametrize("when, deadline, from_period", [
    ("九月底前", "2025-09", False), ("十二月", "2025-12", False), ("10月中旬", "2025-10", False),
    ("9月份", "2025-09", False), ("6月至9月", "2025-09", True), ("8月至年底", "2025-12", True),
    # A span of years is due at the end of its last: "2025—2026年" had no reading of its own.
    ("2025—2026年", "2026-12", True), ("2025-2026年", "2026-12", True), ("2025年至2026年", "2026-12", True),
    ("2025－2026年底前", "2026-12", True)])
def test_deadlines_written_in_words_or_as_a_span_are_read_as_the_notice_says(content, tmp_path, when, deadline,
                                                                             from_period):
    """A month the notice gives exactly (九月, 10月中旬, 9月份) or a span (6月至9月, due by its end, which the
    page says was read from the notice's words): the whole import was refused over one such clause."""
    from portal.content.parser import deadline_from_period

    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025.replace("时间节点：上半年", f"时间节点：{when}"), encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and _items(planned)["3.1.1"][2:4] == (deadline, when)
    assert deadline_from_period(when) == from_period


@pytest.mark.parametrize("when", ["三季度初", "第五季度", "13月", "6月、13月", "近期", "2026—2025年", "2025年至2025年"])
def test_a_deadline_it_cannot_read_is_refused_naming_the_line(content, tmp_path, when):
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025.replace("时间节点：上半年", f"时间节点：{when}"), encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    # One unreadable work point is one problem: not also "2. out of order" and "3.1 has no work point".
    assert [p.line for p in planned.problems] == [39], [str(p) for p in planned.problems]
    assert "deadline" in str(planned.problems[0]) and planned.refusal and outcome is None
    assert not (content / "plans" / SLUG).exists()


def _published_2025(content: Path, tmp_path: Path) -> Path:
    source = tmp_path / "notice-2025.txt"
    source.write_text(NOTICE_2025, encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False, publish=True)
    assert planned.refusal is None and outcome is not None, planned.refusal
    return source


def test_an_unwritten_heading_never_ends_inside_a_figure_so_publishing_at_once_works(content, tmp_path, app_factory):
    """The heading of a work point not yet written up is its first 20 characters: 在地铁站点周边新增非机动车
    停放点不少于20处 became …不少于2 (a figure the notice does not give), and --publish refused the plan."""
    _published_2025(content, tmp_path)
    from portal.content import load_content
    assert load_content(content, SLUG).item("1.1.1").title.zh == "在地铁站点周边新增非机动车停放点不少于"
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    page = client.get(f"/zh/plans/{SLUG}/items/1.1.1").get_data(as_text=True)
    assert "不少于2<" not in page and "不少于20处" in page


def test_a_deadline_read_from_a_period_says_so_on_the_item_page(content, tmp_path, app_factory):
    _published_2025(content, tmp_path)
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    zh = client.get(f"/zh/plans/{SLUG}/items/1.1.1").get_data(as_text=True)
    assert "2025年9月" in zh and "通知原文为“第三季度”" in zh
    en = client.get(f"/en/plans/{SLUG}/items/2.1").get_data(as_text=True)
    # The notice's own words keep their language for screen readers on an English page.
    assert 'the notice says “<span lang="zh-Hans">6月、12月</span>”, which ends this month' in en
    assert "ends this month" not in client.get(f"/en/plans/{SLUG}/items/1.2").get_data(as_text=True)  # 11月30日前


# --- a corrected notice that renumbers -------------------------------------------------------------------

# The 2025 notice corrected after publication: a new work point inserted before 共享单车清理, which
# becomes 1.1.3.
NOTICE_2025_RENUMBERED = NOTICE_2025.replace(
    "2．开展共享单车清理", "2．推进地铁站点周边人行道整修。（责任部门：城建中心；时间节点：9月）\n\n3．开展共享单车清理")


def _write_title(content: Path, code: str, zh: str, en: str) -> None:
    import yaml
    path = content / "plans" / SLUG / "items" / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**data, "title": {"zh": zh, "en": en}}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def test_a_corrected_notice_that_renumbers_moves_the_writers_text_with_its_work_point(content, tmp_path):
    """The writer's title of 共享单车清理 (1.1.2) used to stay on 1.1.2, now another work point, above the
    other point's official words."""
    import yaml
    _published_2025(content, tmp_path)
    _write_title(content, "1.1.2", "清理共享单车", "Clearing shared bicycles")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_RENUMBERED, encoding="utf-8")
    _planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert outcome.moved == {"1.1.2": "1.1.3"}
    items = content / "plans" / SLUG / "items"
    moved = yaml.safe_load((items / "1.1.3.yaml").read_text(encoding="utf-8"))
    assert moved["title"]["zh"] == "清理共享单车" and moved["official"].startswith("开展共享单车清理")
    new = yaml.safe_load((items / "1.1.2.yaml").read_text(encoding="utf-8"))
    assert new["title"] == {"zh": "", "en": ""} and new["official"].startswith("推进地铁站点周边人行道整修")
    assert "items/1.1.2.yaml" not in outcome.removed + outcome.reworded
    # The same notice again: nothing moves, nothing changes.
    _planned, again = import_notice(source, SLUG, content, dry_run=False)
    assert again.moved == {} and again.written == []


def test_a_corrected_notice_that_renumbers_work_points_with_comments_is_refused(content, tmp_path, app_factory):
    """Updates, comments and marks point at (plan, code): renumbered, they would show under another work point."""
    from flask import g

    from portal.services import feedback
    from portal.services.auth import create_staff
    from portal.services.progress import record_update

    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_RENUMBERED, encoding="utf-8")
    with app.test_request_context():
        staff = create_staff("plans-editor", "correct horse battery staple", "admin")
        g.plan = SLUG
        record_update("1.1.2", "in_progress", "已清理三千辆。", None, __import__("datetime").date(2025, 5, 1), actor=staff)
        feedback.submit("3.1.2", body="气改电补贴怎么申请？", kind="question", ip="192.0.2.7", lang="zh", plan=SLUG)
        from portal.extensions import db
        from portal.models import Subscription
        # A resident following 2.1 by e-mail (2.1 becomes 2.2 below): followers count as records too.
        db.session.add(Subscription(email="a@example.com", kind="item", key=f"{SLUG}/2.1", lang="zh", token_hash="x" * 64))
        db.session.commit()
        before = {p.name: p.read_bytes() for p in (content / "plans" / SLUG / "items").iterdir()}
        planned, outcome = import_notice(source, SLUG, content, dry_run=False)
        assert outcome is None and planned.renumbered_with_records == ["1.1.2 → 1.1.3"]
        source.write_text(NOTICE_2025.replace("二、开展居住小区品质提升行动\n\n（一）", "二、开展居住小区品质提升行动\n\n"
                                              "（一）推进小区电瓶车充电设施建设。\n\n新增充电端口。（责任部门：社建办；时间节点：9月）\n\n（二）"),
                          encoding="utf-8")
        planned, outcome = import_notice(source, SLUG, content, dry_run=False)
        assert outcome is None and planned.renumbered_with_records == ["2.1 → 2.2"], planned.renumbered_with_records
        source.write_text(NOTICE_2025_RENUMBERED, encoding="utf-8")
        planned, outcome = import_notice(source, SLUG, content, dry_run=False)
        assert "1.1.2 → 1.1.3" in planned.refusal
        assert {p.name: p.read_bytes() for p in (content / "plans" / SLUG / "items").iterdir()} == before
        # A correction that keeps the numbering keeps the records where they were: 3.1.2 is reworded only.
        source.write_text(NOTICE_2025.replace("推进瓶装液化气“气改电”", "推进瓶装液化气“气改电”工作"), encoding="utf-8")
        planned, outcome = import_notice(source, SLUG, content, dry_run=False)
        assert planned.refusal is None and outcome.reworded == ["items/3.1.2.yaml"] and outcome.moved == {}
    client = app.test_client()
    assert "已清理三千辆" in client.get(f"/zh/plans/{SLUG}/items/1.1.2").get_data(as_text=True)


# --- Word documents ------------------------------------------------------------------------------------

@pytest.mark.parametrize("title_row", [False, True])
def test_a_docx_with_its_work_points_in_a_task_table_is_refused_saying_how_to_import_it(content, tmp_path, title_row):
    """A 任务分解表 read cell by cell gave lines like 城运办长期坚持, reported as text outside any subsection;
    so did one whose first row is the table's title, over all its columns."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for para in HEAD.strip().split("\n\n"):
        document.add_paragraph(para)
    document.add_paragraph("一、开展道路交通环境提升行动")
    rows = [("序号", "工作任务", "责任部门", "时间节点"), ("1", "新增非机动车停放点不少于20处。", "城运办", "第三季度"),
            ("2", "开展共享单车清理。", "城运办", "长期坚持")]
    table = document.add_table(rows=3 + title_row, cols=4)
    if title_row:
        table.cell(0, 0).merge(table.cell(0, 3)).text = "2025年城市管理精细化工作任务分解表"
        table = type(table)(table._tbl, table._parent)
        rows.insert(0, None)
    for r, row in enumerate(rows):
        if row is None:
            continue
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    source = tmp_path / "notice.docx"
    document.save(str(source))
    from portal.content.readers import NoticeReadError
    with pytest.raises(NoticeReadError, match="in a table \\(序号、工作任务、责任部门、时间节点\\)"):
        import_notice(source, SLUG, content, dry_run=True)
    assert not (content / "plans" / SLUG).exists()


def test_a_docx_with_a_two_paragraph_title_and_a_line_break_reads_like_the_txt(content, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for para in NOTICE_2025.strip().split("\n\n"):
        if "关于印发" in para:  # the title set on two lines by hand
            first, rest = para.split("关于印发")
            document.add_paragraph(first + "关于印发")
            document.add_paragraph(rest)
        elif para == "（一）整治非机动车乱停放。":  # a manual line break (Shift+Enter) after the heading
            document.add_paragraph(para).add_run().add_break()
        else:
            document.add_paragraph(para)
    source = tmp_path / "notice.docx"
    document.save(str(source))
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025
    assert planned.notice.number == "浦张府〔2025〕8号"


def _docx_of(text: str, path: Path, edit=None) -> Path:
    """The notice as a .docx, one paragraph per paragraph of `text`; `edit(paragraph)` reworks work point
    3.1.1's paragraph."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for para in text.strip().split("\n\n"):
        paragraph = document.add_paragraph(para)
        if edit and para.startswith("1．完成餐饮场所"):
            edit(paragraph)
    document.save(str(path))
    return path


def _wrapped_run(wrapper: str, words: str, **attributes):
    """An edit for _docx_of: work point 3.1.1's figure 300 as a run inside `wrapper` (w:ins, w:del,
    w:sdt/w:sdtContent …), the rest of the paragraph in plain runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def edit(paragraph):
        before, after = paragraph.text.split("300")
        for run in paragraph.runs:
            paragraph._p.remove(run._r)
        paragraph.add_run(before)
        outer = inner = OxmlElement(wrapper.split("/")[0])
        for name in wrapper.split("/")[1:]:
            inner.append(child := OxmlElement(name))
            inner = child
        for name, value in attributes.items():
            outer.set(qn(f"w:{name}"), value)
        run = OxmlElement("w:r")
        text = OxmlElement("w:delText" if wrapper == "w:del" else "w:t")
        text.text = words
        run.append(text)
        inner.append(run)
        paragraph._p.append(outer)
        paragraph.add_run(after)
    return edit


@pytest.mark.parametrize("change", ["w:ins", "w:del"])
def test_a_docx_with_tracked_changes_is_refused_naming_the_paragraph(content, tmp_path, change):
    """python-docx reads neither inserted nor deleted runs: a tracked edit of a figure (300 → 350) came in
    as neither version, silently: “完成餐饮场所燃气安全检查余家”."""

    edit = _wrapped_run(change, "300", id="1", author="审核人", date="2025-02-18T00:00:00Z")
    source = _docx_of(NOTICE_2025, tmp_path / "notice.docx", edit)
    from portal.content.readers import NoticeReadError
    with pytest.raises(NoticeReadError, match="“1．完成餐饮场所燃气安全检查(300)?余家。.*” has tracked changes"):
        import_notice(source, SLUG, content, dry_run=True)
    assert not (content / "plans" / SLUG).exists()


@pytest.mark.parametrize("wrapper", ["w:sdt/w:sdtContent", "w:smartTag", "w:fldSimple", "w:customXml", "block"])
def test_text_a_docx_keeps_in_content_controls_fields_and_smart_tags_is_read(content, tmp_path, wrapper):
    """python-docx's paragraph text is its plain runs only: a figure in a content control (templates
    have them), a field or a smart tag was dropped (“检查余家”), and a paragraph in a content control
    was dropped whole, work point 3.1.2 with it, with no word said."""
    from docx.oxml import OxmlElement

    def in_a_content_control(paragraph):
        control, inner = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        control.append(inner)
        paragraph._p.addprevious(control)
        inner.append(paragraph._p)

    edit = in_a_content_control if wrapper == "block" else _wrapped_run(wrapper, "300")
    planned, _ = import_notice(_docx_of(NOTICE_2025, tmp_path / "notice.docx", edit), SLUG, content, dry_run=True)
    assert planned.problems == [] and {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025
    assert _items(planned)["3.1.1"][4] == "完成餐饮场所燃气安全检查300余家。"


@pytest.mark.parametrize("saved_as", ["utf-16 .txt", ".docx named .txt", ".docx named .pdf"])
def test_a_notice_saved_as_windows_unicode_or_under_the_wrong_extension_reads_like_the_txt(content, tmp_path, saved_as):
    """Notepad's “Unicode” is UTF-16, and a file renamed by hand keeps its bytes: they were refused with
    “neither UTF-8 nor GB18030 text” or “not a readable PDF”, which says nothing a clerk can act on."""
    if saved_as == "utf-16 .txt":
        source = tmp_path / "notice.txt"
        source.write_bytes(NOTICE_2025.replace("\n", "\r\n").encode("utf-16"))
    else:
        source = _docx_of(NOTICE_2025, tmp_path / "notice.docx").rename(tmp_path / f"notice{saved_as[-4:]}")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025


# --- a PDF, and the command itself -----------------------------------------------------------------------

def test_next_years_notice_as_a_pdf_over_pages_reads_like_the_txt(content, tmp_path):
    """Printed as Word prints it (indented first lines, no spacing), large enough that clauses wrap and
    run over page breaks: the reader joins the wrapped lines."""
    from test_plans_import import _chromium_pdf

    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in NOTICE_2025.split("\n\n") if p.strip())
    html = ('<!doctype html><html lang="zh"><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",'
            "sans-serif;font-size:34px}p{margin:0;text-indent:2em}</style><body>" + paragraphs + "</body></html>")
    pdf = _chromium_pdf(html, tmp_path)
    from pdfminer.high_level import extract_pages
    assert len(list(extract_pages(str(pdf)))) >= 2
    planned, _ = import_notice(pdf, SLUG, content, dry_run=True)
    assert planned.problems == [], [str(p) for p in planned.problems]
    assert {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025
    assert _items(planned)["1.2"][4] == "完成道路大中修3.5万平方米以上。"


def test_the_same_notice_imported_twice_says_nothing_changed_in_the_terminals_language(content, tmp_path, monkeypatch):
    from test_plans_import import _flask

    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025, encoding="utf-8")
    first = _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=content)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in (content / "plans" / SLUG).rglob("*") if p.is_file()}
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    again = _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=content)
    assert again.returncode == 0, again.stderr
    assert f"content/plans/{SLUG}：没有改动" in again.stdout, again.stdout
    assert {p: p.read_bytes() for p in (content / "plans" / SLUG).rglob("*") if p.is_file()} == before


# --- a resident searching both years ----------------------------------------------------------------------

def test_search_over_every_plan_offers_every_plans_months_and_names_areas_by_plan(content, tmp_path, app_factory):
    """With no plan chosen the search covers both years, but its month choices were the current plan's
    only (2025年6月 could not be chosen) and area 1 was named as 2023 names it, though it finds 2025's
    area 1 too."""
    import re

    _published_2025(content, tmp_path)
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()

    def choices(url: str, name: str) -> list[str]:
        page = client.get(url).get_data(as_text=True)
        select = re.search(rf'<select id="f-{name}" name="{name}">(.*?)</select>', page, re.S).group(1)
        return re.findall(r"<option[^>]*>([^<]*)</option>", select)[1:]

    every = choices("/zh/search?q=燃气", "month")
    assert "2025年6月" in every and "2023年5月" in every and every.index("2023年5月") < every.index("2025年6月")
    assert choices(f"/zh/search?q=燃气&plan={SLUG}", "month") == ["2025年6月", "2025年9月", "2025年11月", "2025年12月"]
    area = choices("/zh/search?q=燃气", "area")[0]
    assert area == "1. 2023年：开展公共空间品质提升行动；2025年：开展道路交通环境提升行动"
    english = choices("/en/search?q=gas", "area")[0]
    assert english.startswith("1. 2023: ") and "; 2025: " in english, english
    assert choices(f"/zh/search?q=燃气&plan={SLUG}", "area")[0] == "1. 开展道路交通环境提升行动"
    page = client.get("/zh/search?q=燃气&month=2025-06").get_data(as_text=True)
    assert f"/zh/plans/{SLUG}/items/3.1.1" in page or "3.1.1" in page


def test_work_points_numbered_in_brackets_read_like_numbered_ones(content, tmp_path):
    """一、→（一）→（1）: some notices number their third level as the fourth usually is. A lone （1） was
    taken into the official text, a second one refused as text after a work point."""
    body = NOTICE_2025.removeprefix(HEAD.replace("浦张府〔2025〕8号", "浦张府[2025]8号"))
    planned = _parsed(body.replace("1．在地铁", "（1）在地铁").replace("2．开展共享", "（２）开展共享"), tmp_path, content)
    assert planned.problems == [], [str(p) for p in planned.problems]
    assert {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025
    assert _items(planned)["1.1.1"][4].startswith("在地铁站点周边")
    wrong = _parsed(body.replace("2．开展共享", "（3）开展共享"), tmp_path, content)
    assert [str(p) for p in wrong.problems] == [
        "line 25 “（3）开展共享单车清理，全年清理约1.2万辆。（责任部门：城…”: work point 3. is out of order (expected 2.)"]


SIGNED_AT_THE_END = """
上海市浦东新区张江镇人民政府

2025年2月20日

（此件公开发布）

抄送：浦东新区城市运行综合管理中心。

张江镇党政办公室                2025年2月20日印发
"""


def test_a_notice_signed_and_distributed_after_its_last_work_point_imports(content, tmp_path):
    """When the work points are the notice's own body, its signature, date and 抄送/印发 lines follow
    the last one; they were refused as text after a work point."""
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025 + SIGNED_AT_THE_END, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [], [str(p) for p in planned.problems]
    assert {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025
    assert _items(planned)["3.1.2"][4] == "推进瓶装液化气“气改电”。"
    assert "抄送" in planned.files["notice.txt"]  # the notice is kept whole


def test_work_points_after_an_attachment_line_are_still_read_or_reported(content, tmp_path):
    more = "\n附件：重点任务\n\n四、开展绿化提升行动\n\n（一）新建绿地。\n\n新建公共绿地2万平方米。（责任部门：规建办；时间节点：10月）\n"
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2025 + more, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert [str(p) for p in planned.problems] == ["line 43 “附件：重点任务”: unexpected text after a work point"]


# A point inserted before 1.1.1: 1.1.1 → 1.1.2 and 1.1.2 → 1.1.3, a chain through a code that holds records.
NOTICE_2025_TWO_MOVED = NOTICE_2025.replace("1．在地铁站点周边", "1．推进地铁站点周边人行道整修。（责任部门：城建中心；时间节点：9月）\n\n"
                                            "2．在地铁站点周边").replace("2．开展共享单车清理", "3．开展共享单车清理")
# 3.1.1 and 3.1.2 change places: each takes the other's code.
NOTICE_2025_SWAPPED = NOTICE_2025.replace(
    "1．完成餐饮场所燃气安全检查300余家。（责任部门：综合行政执法队；时间节点：上半年）\n\n2．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：年底前）",
    "1．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：年底前）\n\n2．完成餐饮场所燃气安全检查300余家。（责任部门：综合行政执法队；时间节点：上半年）")


def _records_of_every_kind(code: str, browser: str = "b" * 64, email: str = "a@example.com") -> None:
    """A comment, an e-mail follower, a project site with its own mark, a mark on the point and an outcome."""
    from flask import g

    from portal.extensions import db
    from portal.models import ItemOutcome, MatterMark, ProjectSite, Subscription, WorkItem
    from portal.services import feedback

    g.plan = SLUG
    feedback.submit(code, body=f"{code}这项什么时候完成？", kind="question", ip="192.0.2.9", lang="zh", plan=SLUG)
    db.session.add(Subscription(email=email, kind="item", key=f"{SLUG}/{code}", lang="zh", token_hash=code.ljust(64, "x")))
    site = ProjectSite(plan=SLUG, item_code=code, name_zh=f"{code}的站点", stage="consultation")
    db.session.add(site)
    db.session.flush()
    db.session.add_all([MatterMark(plan=SLUG, subject=code, item_code=code, browser_hash=browser),
                        MatterMark(plan=SLUG, subject=f"{code}/{site.id}", item_code=code, site_id=site.id,
                                   browser_hash=browser)])
    row = db.session.query(WorkItem).filter_by(plan=SLUG, code=code).one()
    db.session.add(ItemOutcome(work_item_id=row.id, plan_slug=SLUG, item_code=code, result="completed",
                               note_zh=f"{code}已完成。", figures={}))
    db.session.commit()


def _where_records_are() -> dict[str, set[str]]:
    """Each record's work point, named by what the record itself holds (its text, its site's name)."""
    from portal.extensions import db
    from portal.models import Feedback, ItemOutcome, MatterMark, ProjectSite, StatusUpdate, Subscription

    where: dict[str, set[str]] = {}
    rows = [(f.item_code, f.body) for f in db.session.query(Feedback)]
    rows += [(u.item_code, u.note_zh) for u in db.session.query(StatusUpdate).filter_by(plan=SLUG)]
    rows += [(s.item_code, s.name_zh) for s in db.session.query(ProjectSite)]
    rows += [(o.item_code, o.note_zh) for o in db.session.query(ItemOutcome)]
    rows += [(o.continued_by.split("/")[1], f"continues {o.plan_slug}/{o.item_code}")
             for o in db.session.query(ItemOutcome) if o.continued_by]
    rows += [(s.key.split("/", 1)[1], "follower " + s.token_hash.rstrip("x")) for s in db.session.query(Subscription)]
    sites = {s.id: s.name_zh for s in db.session.query(ProjectSite)}
    rows += [(m.subject, f"mark {m.id} " + (sites[m.site_id] if m.site_id else "")) for m in db.session.query(MatterMark)]
    for code, what in rows:
        where.setdefault(code, set()).add(what)
    return where


def test_move_records_takes_every_record_along_a_chain_of_renumbered_work_points(content, tmp_path, app_factory):
    """1.1.1 → 1.1.2 → 1.1.3: each point's update, comment, follower, site, marks and outcome arrive at its
    new code, the statuses with them; without --move-records the import is refused and says how."""
    import datetime as dt

    from portal.extensions import db
    from portal.models import AuditLog, ItemOutcome, WorkItem
    from portal.services.auth import create_staff
    from portal.services.progress import record_update

    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management")
    with app.test_request_context():
        staff = create_staff("plans-editor", "correct horse battery staple", "admin")
        _records_of_every_kind("1.1.2")
        record_update("1.1.1", "in_progress", "已新增停放点八处。", None, dt.date(2025, 5, 1), actor=staff)
        # 2023's 2.3, carried over, continues as 1.1.2 of this plan.
        row = db.session.query(WorkItem).filter_by(plan="2023-city-management", code="2.3").one()
        db.session.add(ItemOutcome(work_item_id=row.id, plan_slug=row.plan, item_code="2.3", result="carried_over",
                                   note_zh="转入2025年。", figures={}, continued_by=f"{SLUG}/1.1.2"))
        db.session.commit()
        before = _where_records_are()
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_TWO_MOVED, encoding="utf-8")
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["plans", "import", str(source), "--slug", SLUG])
    assert refused.exit_code == 1 and "--move-records" in refused.output, refused.output
    dry = cli.invoke(args=["plans", "import", str(source), "--slug", SLUG, "--dry-run", "--move-records"])
    assert dry.exit_code == 0 and "records would move with their work points: 1.1.1 → 1.1.2, 1.1.2 → 1.1.3" in dry.output
    with app.app_context():
        assert _where_records_are() == before, "a refusal or a dry run moves nothing"
    done = cli.invoke(args=["plans", "import", str(source), "--slug", SLUG, "--move-records"])
    assert done.exit_code == 0, done.output
    assert "1.1.1 → 1.1.2 (1 record)" in done.output and "1.1.2 → 1.1.3 (6 records)" in done.output
    with app.app_context():
        moved = _where_records_are()
        assert moved == {{"1.1.1": "1.1.2", "1.1.2": "1.1.3"}.get(code.split("/")[0], code.split("/")[0])
                         + code[len(code.split("/")[0]):]: what for code, what in before.items()}
        status = {w.code: w.current_status for w in db.session.query(WorkItem).filter_by(plan=SLUG)}
        assert status["1.1.1"] is None and status["1.1.2"] == "in_progress" and status["1.1.3"] is None
        assert not [c for c in status if c.startswith("~")]
        assert db.session.query(AuditLog).filter_by(action="plan.renumber").one().after["records"] == {
            "1.1.1": 1, "1.1.2": 6}
    # Restarted on the corrected notice, the site shows the update under the point it was about.
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management",
                         database_url=app.config["SQLALCHEMY_DATABASE_URI"]).test_client()
    assert "已新增停放点八处" in client.get(f"/zh/plans/{SLUG}/items/1.1.2").get_data(as_text=True)
    assert "已新增停放点八处" not in client.get(f"/zh/plans/{SLUG}/items/1.1.1").get_data(as_text=True)


def test_a_renumbering_names_other_plans_lines_that_continue_the_moved_work_points(content, tmp_path):
    """Another plan's item file saying `continues: <this plan>/1.1.2` would point at the new 1.1.2; the file is
    another plan's, so it is named for staff to correct, not rewritten."""
    from portal.services.plans import continued_elsewhere

    _published_2025(content, tmp_path)
    other = content / "plans" / "2023-city-management" / "items" / "2.3.yaml"
    other.write_text(other.read_text(encoding="utf-8") + f"continues: {SLUG}/1.1.2\n", encoding="utf-8")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_TWO_MOVED, encoding="utf-8")
    import_notice(source, SLUG, content, dry_run=False)
    assert continued_elsewhere(content, SLUG) == [
        f"content/plans/2023-city-management/items/2.3.yaml: continues: {SLUG}/1.1.2 → {SLUG}/1.1.3"]


LATER = "2026-city-management"
NOTICE_2026 = NOTICE_2025.replace("2025", "2026").replace("8号", "3号")


def _continued_in_2026(content: Path, tmp_path: Path, code: str) -> Path:
    """A later plan whose 1.1.1 says `continues: <2025>/<code>`."""
    source = tmp_path / "notice-2026.txt"
    source.write_text(NOTICE_2026, encoding="utf-8")
    planned, outcome = import_notice(source, LATER, content, dry_run=False, publish=True)
    assert planned.refusal is None and outcome is not None, planned.refusal
    later = content / "plans" / LATER / "items" / "1.1.1.yaml"
    later.write_text(later.read_text(encoding="utf-8") + f"continues: {SLUG}/{code}\n", encoding="utf-8")
    return later


def _links(page: str, plan: str) -> set[str]:
    return set(re.findall(rf'href="/zh/plans/{plan}/items/([0-9.]+)"', page))


def test_a_later_plans_continues_line_follows_a_renumbering(content, tmp_path, app_factory):
    """2026's 1.1.1 continues 2025's 1.1.1; a corrected 2025 notice inserts a point before it, which becomes
    1.1.2. The 2026 file is another plan's, so the import does not edit it (only names it): the pages linked
    2026's work to the inserted point, and the moved point's page lost its "Continued by". The import now
    records the renumbering in the 2025 folder (renumbered.yaml) and the links follow it, until the line is
    corrected."""
    _published_2025(content, tmp_path)
    later = _continued_in_2026(content, tmp_path, "1.1.1")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_TWO_MOVED, encoding="utf-8")
    _planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert outcome.moved == {"1.1.1": "1.1.2", "1.1.2": "1.1.3"}
    assert f"continues: {SLUG}/1.1.1" in later.read_text(encoding="utf-8"), "another plan's file, not rewritten"
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    page = client.get(f"/zh/plans/{LATER}/items/1.1.1").get_data(as_text=True)
    assert _links(page, SLUG) == {"1.1.2"}
    assert _links(client.get(f"/zh/plans/{SLUG}/items/1.1.2").get_data(as_text=True), LATER) == {"1.1.1"}
    assert not _links(client.get(f"/zh/plans/{SLUG}/items/1.1.1").get_data(as_text=True), LATER)
    # Corrected by staff: the line says what it means, and the record no longer applies to it.
    later.write_text(later.read_text(encoding="utf-8").replace(f"{SLUG}/1.1.1", f"{SLUG}/1.1.2"), encoding="utf-8")
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    assert _links(client.get(f"/zh/plans/{LATER}/items/1.1.1").get_data(as_text=True), SLUG) == {"1.1.2"}


def test_a_second_renumbering_carries_an_uncorrected_continues_line_on(content, tmp_path, app_factory):
    """Two corrected notices in a row, the 2026 line never corrected: it still means the point first numbered
    1.1.1, now 1.1.3; a line written after the first renumbering means the point it names."""
    _published_2025(content, tmp_path)
    _continued_in_2026(content, tmp_path, "1.1.1")
    first = tmp_path / "corrected.txt"
    first.write_text(NOTICE_2025_TWO_MOVED, encoding="utf-8")
    import_notice(first, SLUG, content, dry_run=False)
    second = tmp_path / "corrected-again.txt"
    second.write_text(NOTICE_2025_TWO_MOVED.replace("1．推进地铁站点周边人行道整修", "1．推进地铁站点周边绿化整治。（责任部门：城建中心；时间节点：9月）\n\n2．推进地铁站点周边人行道整修")
                      .replace("2．在地铁站点周边", "3．在地铁站点周边").replace("3．开展共享单车清理", "4．开展共享单车清理"),
                      encoding="utf-8")
    _planned, outcome = import_notice(second, SLUG, content, dry_run=False)
    assert outcome.moved == {"1.1.1": "1.1.2", "1.1.2": "1.1.3", "1.1.3": "1.1.4"}
    other = content / "plans" / LATER / "items" / "1.1.2.yaml"
    other.write_text(other.read_text(encoding="utf-8") + f"continues: {SLUG}/1.1.1\n", encoding="utf-8")
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    assert _links(client.get(f"/zh/plans/{LATER}/items/1.1.1").get_data(as_text=True), SLUG) == {"1.1.3"}
    assert _links(client.get(f"/zh/plans/{LATER}/items/1.1.2").get_data(as_text=True), SLUG) == {"1.1.1"}


# 1.1.1 struck out: 1.1.2 becomes 1.1.1, and the code 1.1.2 is gone.
NOTICE_2025_ONE_STRUCK = NOTICE_2025.replace(
    "1．在地铁站点周边新增非机动车停放点不少于20处，规范停放秩序。（牵头单位：城运办；配合单位：综合行政执法队，城建中心；时间节点：第三季度）\n\n", ""
).replace("2．开展共享单车清理", "1．开展共享单车清理")


def _checked_2026(content: Path, app_factory):
    from portal.services.plans import check_plans

    [check] = check_plans(content, LATER)
    result = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_cli_runner().invoke(
        args=["plans", "check", LATER])
    return check, result


def test_plans_check_warns_of_a_continues_line_right_only_through_the_renumbering(content, tmp_path, app_factory):
    """2026's line still says 2025/1.1.1, which a corrected notice gave to an inserted point: the pages link it
    to 1.1.2 (renumbered.yaml), but `flask plans check` passed it as it stood, so nothing told staff that the
    file names another point. It now warns, naming the code to write, without failing the plan."""
    _published_2025(content, tmp_path)
    later = _continued_in_2026(content, tmp_path, "1.1.1")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_TWO_MOVED, encoding="utf-8")
    import_notice(source, SLUG, content, dry_run=False)
    check, result = _checked_2026(content, app_factory)
    expected = (f"content/plans/{LATER}/items/1.1.1.yaml: continues: {SLUG}/1.1.1 is right only through "
                f"{SLUG}'s renumbered.yaml; write continues: {SLUG}/1.1.2")
    assert (check.errors, check.warnings) == ([], [expected])
    assert f"warning: {expected}" in result.output and "  error:" not in result.output, result.output
    later.write_text(later.read_text(encoding="utf-8").replace(f"{SLUG}/1.1.1", f"{SLUG}/1.1.2"), encoding="utf-8")
    check, _ = _checked_2026(content, app_factory)
    assert (check.errors, check.warnings) == ([], [])


def test_plans_check_does_not_fail_a_continues_line_the_pages_resolve_through_the_renumbering(
        content, tmp_path, app_factory):
    """2026's line says 2025/1.1.2; a corrected notice struck 1.1.1 out, so that point is 1.1.1 now and 1.1.2 is
    no code at all. The pages link it to 1.1.1 (renumbered.yaml), but `flask plans check` failed the published
    plan for "no work point 1.1.2". It now warns instead, naming the code to write."""
    _published_2025(content, tmp_path)
    later = _continued_in_2026(content, tmp_path, "1.1.2")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_ONE_STRUCK, encoding="utf-8")
    _planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert outcome.moved == {"1.1.2": "1.1.1"}
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    assert _links(client.get(f"/zh/plans/{LATER}/items/1.1.1").get_data(as_text=True), SLUG) == {"1.1.1"}
    check, result = _checked_2026(content, app_factory)
    expected = (f"content/plans/{LATER}/items/1.1.1.yaml: continues: {SLUG}/1.1.2 is right only through "
                f"{SLUG}'s renumbered.yaml; write continues: {SLUG}/1.1.1")
    assert (check.errors, check.warnings) == ([], [expected])
    assert f"warning: {expected}" in result.output and "  error:" not in result.output, result.output
    # A line written after the renumbering means the code it says: 1.1.2 is no work point of 2025 now.
    other = content / "plans" / LATER / "items" / "1.1.2.yaml"
    other.write_text(other.read_text(encoding="utf-8") + f"continues: {SLUG}/1.1.2\n", encoding="utf-8")
    check, _ = _checked_2026(content, app_factory)
    assert check.errors == [f"content/plans/{LATER}/items/1.1.2.yaml: continues: no work point {SLUG}/1.1.2"]


def test_move_records_lets_two_work_points_swap_numbers(content, tmp_path, app_factory):
    """The same resident follows and marks both points, and both have outcomes: one at a time, either move
    would collide with the other point's records (unique per code)."""
    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_SWAPPED, encoding="utf-8")
    with app.test_request_context():
        _records_of_every_kind("3.1.1")
        _records_of_every_kind("3.1.2")
        before = _where_records_are()
        planned, outcome = import_notice(source, SLUG, content, dry_run=False, move_records=True)
        assert outcome.moved == {"3.1.1": "3.1.2", "3.1.2": "3.1.1"}
        assert _where_records_are() == {{"3.1.1": "3.1.2", "3.1.2": "3.1.1"}[code[:5]] + code[5:]: what
                                        for code, what in before.items()}


def test_move_records_leaves_everything_as_it_was_when_the_import_fails(content, tmp_path, app_factory, monkeypatch):
    from portal.services import plans

    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_SWAPPED, encoding="utf-8")
    files = {p.name: p.read_bytes() for p in (content / "plans" / SLUG / "items").iterdir()}

    def disk_full(planned):
        raise OSError("No space left on device")

    monkeypatch.setattr(plans, "write_import", disk_full)
    with app.test_request_context():
        _records_of_every_kind("3.1.1")
        before = _where_records_are()
        with pytest.raises(OSError):
            import_notice(source, SLUG, content, dry_run=False, move_records=True)
        assert _where_records_are() == before
    assert {p.name: p.read_bytes() for p in (content / "plans" / SLUG / "items").iterdir()} == files


def test_a_struck_out_work_point_whose_code_a_moved_one_takes_keeps_its_comments_apart(content, tmp_path, app_factory):
    """3.1.1 struck out, 3.1.2 becomes 3.1.1: the comment on the old 3.1.1 would show under 气改电."""
    from portal.services import feedback

    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025.replace(
        "1．完成餐饮场所燃气安全检查300余家。（责任部门：综合行政执法队；时间节点：上半年）\n\n2．", "1．"), encoding="utf-8")
    with app.test_request_context():
        feedback.submit("3.1.1", body="餐饮店燃气检查查到了什么？", kind="question", ip="192.0.2.8", lang="zh", plan=SLUG)
        planned, outcome = import_notice(source, SLUG, content, dry_run=False)
        assert outcome is None and planned.renumbered_with_records == ["3.1.2 → 3.1.1"]
        # Moving records cannot help: the comment is about a point the corrected notice no longer has.
        planned, outcome = import_notice(source, SLUG, content, dry_run=False, move_records=True)
        assert outcome is None and planned.taken_with_records == ["3.1.2 → 3.1.1"]
        assert "已删去要点的编号" in planned.refusal
    # Without records the correction goes through, the struck-out point named as gone.
    with app.app_context():
        from portal.extensions import db
        from portal.models import Feedback
        db.session.query(Feedback).delete()
        db.session.commit()
        planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert outcome.moved == {"3.1.2": "3.1.1"} and outcome.removed == ["items/3.1.1.yaml"]


def test_a_struck_out_work_point_with_comments_is_named_when_the_corrected_notice_is_imported(
        content, tmp_path, app_factory):
    """The last work point of a subsection struck out (nothing renumbered): the notice decides, so the import
    goes ahead, but a resident's comment on it would vanish from the site unannounced; the command names it."""
    from portal.services import feedback

    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025.replace("\n\n2．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：年底前）", ""),
                      encoding="utf-8")
    with app.test_request_context():
        feedback.submit("3.1.2", body="气改电什么时候轮到我们小区？", kind="question", ip="192.0.2.8", lang="zh", plan=SLUG)
    result = app.test_cli_runner().invoke(args=["plans", "import", str(source), "--slug", SLUG])
    assert result.exit_code == 0, result.output
    assert "struck out of the notice" in result.output and "3.1.2" in result.output
    assert not (content / "plans" / SLUG / "items" / "3.1.2.yaml").exists(), "the notice decides"
    with app.app_context():
        from portal.extensions import db
        from portal.models import Feedback
        assert db.session.query(Feedback).filter_by(item_code="3.1.2").count() == 1, "nothing deleted"


def test_a_work_point_whose_text_changed_with_comments_under_its_number_is_named(content, tmp_path, app_factory):
    """A corrected notice adds a point before 3.1.2 and rewords that one, now 3.1.3: no move is seen (the text
    changed), so a resident's comment on 气改电 stayed under 3.1.2, now the new point, with no word said
    beyond “reread the plain-language text”."""
    from portal.services import feedback

    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025.replace(
        "2．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：年底前）",
        "2．开展燃气管道安全检查。（责任部门：综合行政执法队；时间节点：9月）\n\n"
        "3．全面推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：年底前）"), encoding="utf-8")
    with app.test_request_context():
        feedback.submit("3.1.2", body="气改电什么时候轮到我们小区？", kind="question", ip="192.0.2.8", lang="zh", plan=SLUG)
    for extra in (["--dry-run"], []):
        result = app.test_cli_runner().invoke(args=["plans", "import", str(source), "--slug", SLUG, *extra])
        assert result.exit_code == 0, result.output
        named = next(line for line in result.output.splitlines() if "still the same work point" in line)
        assert ": 3.1.2;" in named


def test_dates_and_years_in_chinese_numerals_are_read(content, tmp_path):
    """Many notices date themselves 二〇二五年二月二十日 (or with ○ for 〇); the issue date was refused, and
    a plan issued in the December before its year, its title's year written 二〇二五年, got its deadlines
    in the issue date's year."""
    text = (NOTICE_2025.replace("2025年2月20日", "二〇二四年十二月三十一日")
            .replace("《张江镇2025年", "《张江镇二○二五年").replace("张江镇2025年城市管理精细化工作要点\n",
                                                              "张江镇二〇二五年城市管理精细化工作要点\n"))
    assert "2025年2月20日" not in text and "《张江镇二○二五年" in text and "\n张江镇二〇二五年城市" in text
    source = tmp_path / "notice.txt"
    source.write_text(text + SIGNED_AT_THE_END.replace("2025年2月20日", "二〇二五年二月二十日"), encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [], [str(p) for p in planned.problems]
    assert planned.notice.date == "2024-12-31" and planned.notice.year == 2025
    assert {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025


def test_a_notice_with_the_deadline_before_the_offices_reads_like_one_with_it_after(content, tmp_path):
    """（时间节点：第三季度；牵头单位：城运办；…）: the same clause in the other order was refused for every work point."""
    swapped = (NOTICE_2025
               .replace("（牵头单位：城运办；配合单位：综合行政执法队，城建中心；时间节点：第三季度）",
                        "（时间节点：第三季度；牵头单位：城运办；配合单位：综合行政执法队，城建中心）")
               .replace("（责任部门：城运办、综合行政执法队；时间节点：长期坚持）", "（时间节点：长期坚持；责任部门：城运办、综合行政执法队）")
               .replace("（牵头单位：社建办；配合单位：城建中心（房办）；时间节点：6月、12月）",
                        "（时间节点：6月、12月，牵头单位：社建办，配合单位：城建中心（房办））"))
    assert swapped.count("（时间节点") == 3
    source = tmp_path / "notice.txt"
    source.write_text(swapped, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == []
    assert {code: got[:4] for code, got in _items(planned).items()} == EXPECTED_2025
    assert planned.notice.items[0].official_text.endswith("规范停放秩序。")


def test_an_area_heading_run_into_its_first_subsection_reads_as_both(content, tmp_path):
    """一、开展居住小区品质提升行动（一）推进既有多层住宅加装电梯。 on one line: the work points under it were
    "text before a subsection" and the area had none."""
    joined = (NOTICE_2025
              .replace("二、开展居住小区品质提升行动\n\n（一）推进既有多层住宅加装电梯。", "二、开展居住小区品质提升行动（一）推进既有多层住宅加装电梯。")
              .replace("三、开展城市运行安全保障行动\n\n（一）排查燃气安全隐患。\n\n1．完成餐饮场所燃气安全检查300余家。",
                       "三、开展城市运行安全保障行动。（一）排查燃气安全隐患。1．完成餐饮场所燃气安全检查300余家。"))
    assert joined.count("行动（一）") == 1 and joined.count("行动。（一）") == 1
    source = tmp_path / "notice.txt"
    source.write_text(joined, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == []
    assert {code: got[:4] for code, got in _items(planned).items()} == EXPECTED_2025
    assert [(s.title, [sub.title for sub in s.subsections]) for s in planned.notice.sections[1:]] == [
        ("开展居住小区品质提升行动", ["推进既有多层住宅加装电梯"]), ("开展城市运行安全保障行动", ["排查燃气安全隐患"])]


def test_a_clause_without_a_deadline_runs_for_the_plans_year_and_the_page_says_the_notice_sets_none(
        content, tmp_path, app_factory):
    """（责任部门：经发办）: no 时间节点 at all. Refused, the whole notice could not be loaded; a month of its own
    would be invented. It runs for the plan's year, as 全年 does, and its page says the notice sets no deadline."""
    body = NOTICE_2025.replace("（责任部门：经发办；时间节点：年底前）", "（责任部门：经发办）")
    source = tmp_path / "notice.txt"
    source.write_text(body, encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False, publish=True)
    assert planned.problems == [] and outcome is not None
    assert _items(planned)["3.1.2"][:4] == (["经发办"], [], "2025-12", "")
    # Nearly so, yet not a clause: a deadline without its colon is not read as an office.
    broken = tmp_path / "broken.txt"
    broken.write_text(NOTICE_2025.replace("（责任部门：经发办；时间节点：年底前）", "（责任部门：经发办，时间节点年底前）"),
                      encoding="utf-8")
    assert [p.line for p in import_notice(broken, SLUG, content, dry_run=True)[0].problems] == [41]
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    zh = client.get(f"/zh/plans/{SLUG}/items/3.1.2").get_data(as_text=True)
    en = client.get(f"/en/plans/{SLUG}/items/3.1.2").get_data(as_text=True)
    assert "the notice sets no deadline" in en and "2025" in en
    assert "the notice sets no deadline" not in client.get(f"/en/plans/{SLUG}/items/3.1.1").get_data(as_text=True)
    assert "通知未规定完成时间" in zh


_BOXES = {  # a text box as Word writes it: a drawing (with its VML twin for old readers), or VML alone
    "drawing": """<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>
        <a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>
        <w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData>
        </a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
        <w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
        </mc:AlternateContent></w:r>""",
    "vml": """<w:r {ns}><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>
        </w:txbxContent></v:textbox></v:shape></w:pict></w:r>""",
}


_BOX_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
           'xmlns:v="urn:schemas-microsoft-com:vml"')


def _in_a_box(box: str, text: str):
    """An edit for _docx_of: a text box holding `text` anchored in work point 3.1.1's paragraph."""
    from docx.oxml import parse_xml

    def edit(paragraph):
        paragraph._p.append(parse_xml(_BOXES[box].format(ns=_BOX_NS, text=text)))
    return edit


@pytest.mark.parametrize("box", sorted(_BOXES))
def test_a_work_point_in_a_docx_text_box_is_refused_naming_the_box_not_lost(content, tmp_path, box):
    """A run inside a run (a text box's) is not read, and a text box anchored in a paragraph is no paragraph
    of the body: work point 3.1.2 written in a text box was dropped without a word, the plan one point short."""
    from portal.content.readers import NoticeReadError

    point = "2．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：年底前）"
    # 3.1.2 moved into a text box anchored in 3.1.1's paragraph
    source = _docx_of(NOTICE_2025.replace(point, ""), tmp_path / "notice.docx", _in_a_box(box, point))
    with pytest.raises(NoticeReadError, match="a text box holds “2．推进瓶装液化气“气改电”。（责任部门：经发办；时间节点：…”"):
        import_notice(source, SLUG, content, dry_run=True)


@pytest.mark.parametrize("words", ["时间节点：年底前", "新增停放点20处", "推进瓶装液化气“气改电”。",
                                   "（三）加强燃气安全宣传教育", "组织开展燃气安全进社区、进企业、进校园、进家庭宣传活动并覆盖全镇各居村委"])
def test_a_text_box_whose_words_could_be_notice_text_is_refused(content, tmp_path, words):
    """A clause's key word, a figure with its unit, a finished sentence, a heading, or more than a short
    line: such a box may hold part of a work point, which would be lost."""
    from portal.content.readers import NoticeReadError

    source = _docx_of(NOTICE_2025, tmp_path / "notice.docx", _in_a_box("drawing", words))
    with pytest.raises(NoticeReadError, match="a text box holds"):
        import_notice(source, SLUG, content, dry_run=True)


@pytest.mark.parametrize("box", sorted(_BOXES))
@pytest.mark.parametrize("words", ["张江镇人民政府", "上海市浦东新区张江镇人民政府", "张江镇2025年城市管理精细化工作要点",
                                   "浦张府〔2025〕8号"])
def test_a_seal_or_page_header_in_a_text_box_is_imported_past_and_listed(content, tmp_path, box, words):
    """A seal (张江镇人民政府 round a stamp), a header box or a logo's caption holds no notice text, yet any
    text box stopped the import. Such a box is left out and the import's report names it, once (Word writes
    a drawing's text twice, for old readers too)."""
    from portal.services.plans import tree_lines

    source = _docx_of(NOTICE_2025, tmp_path / "notice.docx", _in_a_box(box, words))
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and planned.ignored_boxes == [words]
    assert {code: got[:4] for code, got in _items(planned).items()} == EXPECTED_2025
    report = "\n".join(tree_lines(planned))
    assert report.count(f"“{words}”") == 1


def test_letter_spaced_office_names_from_a_pdf_are_joined_only_into_known_offices(content, tmp_path):
    """pdfminer gives a letter-spaced name as “城 运 办”: a space between two names separates offices, so it
    came apart into 城, 运, 办, each listed as unknown, and --publish refused the plan. A run joins only into a
    name in content/offices.yaml (two letter-spaced names one space apart come apart again by that list);
    an unknown one stays as it was, listed, never made into an office."""
    spaced = (NOTICE_2025
              .replace("（责任部门：城运办、综合行政执法队；", "（责任部门：城 运 办 综 合 行 政 执 法 队；")
              .replace("配合单位：城建中心（房办）", "配合单位：城 建 中 心 （ 房 办 ）")
              .replace("（责任部门：经发办；", "（责任部门：绿 化 新 办；"))
    source = tmp_path / "notice.txt"
    source.write_text(spaced, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == []
    assert _items(planned)["1.1.2"][:2] == (["城运办", "综合行政执法队"], [])
    assert _items(planned)["2.1"][:2] == EXPECTED_2025["2.1"][:2]
    assert _items(planned)["3.1.2"][0] == ["绿", "化", "新", "办"] and planned.unknown_offices == ["办", "化", "新", "绿"]


def test_letter_spaced_clause_key_words_from_a_pdf_are_joined_into_the_key_words_only(content, tmp_path):
    """A PDF text layer letter-spaces a clause's key words as it does office names: “（责 任 部 门：城 运 办
    综 合 行 政 执 法 队；时 间 节 点：长 期 坚 持）”. Not seen as a clause, the line's spaces all went, the two
    offices ran into one unknown office. Only the key words the parser looks for are joined; the offices are
    then joined the careful way, into known offices only."""
    def spaced(words: str) -> str:
        return " ".join(words)

    body = NOTICE_2025
    for key in ("责任部门", "牵头单位", "配合单位", "时间节点", "完成时限"):
        body = body.replace(f"{key}：", f"{spaced(key)} ：")
    body = body.replace("（责任部门：", "（ 责任部门：").replace("牵 头 单 位", "牵头 单位").replace(
        "城运办、综合行政执法队；", "城 运 办 综 合 行 政 执 法 队；").replace("长期坚持", "长 期 坚 持")
    assert "责 任 部 门 ：城 运 办 综 合" in body and "时 间 节 点 ：第三季度" in body and "完 成 时 限" in body
    source = tmp_path / "notice.txt"
    source.write_text(body, encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and planned.unknown_offices == []
    assert {code: got[:4] for code, got in _items(planned).items()} == EXPECTED_2025
    # Partly spaced key words are joined too; the work point's own text reads as it did.
    assert normalise("1．核 对 责 任 部 门 名 单。（责 任 部 门：城 运 办；时 间 节 点：9月）", offices={"城运办"}
                     ).strip() == "1．核对责任部门名单。（责任部门：城运办；时间节点：9月）"


def test_the_import_command_names_the_text_box_it_left_out(content, tmp_path, app_factory):
    """Not only the dry run: the import that writes the plan says which box it left out."""
    source = _docx_of(NOTICE_2025, tmp_path / "notice.docx", _in_a_box("drawing", "张江镇人民政府"))
    result = app_factory(CONTENT_DIR=str(content)).test_cli_runner().invoke(
        args=["plans", "import", str(source), "--slug", SLUG])
    assert result.exit_code == 0, result.output
    assert "text boxes left out as not part of the notice" in result.output and "“张江镇人民政府”" in result.output


def _png() -> bytes:
    """A 1×1 grey PNG, for python-docx's add_picture."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def _rezipped(source: Path, dest: Path, swollen: str, megabytes: int) -> Path:
    """`source` with member `swollen` replaced by `megabytes` MB of zeros: deflated, a few hundred KB."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != swollen:
                new.writestr(info, old.read(info))
                continue
            with new.open(swollen, "w") as out:
                if swollen.endswith(".xml"):  # still a document.xml: the notice, then whitespace in the body
                    data = old.read(info)
                    end = data.rindex(b"</w:body>")
                    out.write(data[:end])
                    for _ in range(megabytes):
                        out.write(b" " * (1024 * 1024))
                    out.write(data[end:])
                else:
                    for _ in range(megabytes):
                        out.write(bytes(1024 * 1024))
    return dest


def test_a_docx_whose_text_unzips_to_more_than_the_limit_is_refused_saying_the_sizes(content, tmp_path):
    """A .docx is a zip: a file of a few hundred KB whose document.xml unzips to 60 MB (a zip bomb) passed
    the file size cap and was unzipped whole by python-docx, then parsed into memory many times its size.
    The zip's own directory says the sizes: the import refuses before unzipping a byte of it."""
    from portal.content.readers import NoticeReadError

    source = _rezipped(_docx_of(NOTICE_2025, tmp_path / "plain.docx"), tmp_path / "notice.docx",
                       "word/document.xml", 60)
    assert source.stat().st_size < 1024 * 1024
    with pytest.raises(NoticeReadError, match=r"notice.docx: unzipped, .* 60(\.\d)?\u00a0MB .*word/document.xml.* 50\u00a0MB"):
        import_notice(source, SLUG, content, dry_run=True)


def test_the_unzipped_limit_is_a_setting_that_flask_plans_import_reads(content, tmp_path, app_factory, monkeypatch):
    """PORTAL_NOTICE_MAX_UNZIPPED_BYTES, as PORTAL_NOTICE_MAX_BYTES: a site sets it and the import keeps to it
    (before, the 50 MB was a constant in portal/config.py and the setting did not exist)."""
    source = _docx_of(NOTICE_2025, tmp_path / "notice.docx")
    assert app_factory(CONTENT_DIR=str(content)).config["NOTICE_MAX_UNZIPPED_BYTES"] == 50 * 1024 * 1024
    monkeypatch.setenv("PORTAL_NOTICE_MAX_UNZIPPED_BYTES", "1024")
    runner = app_factory(CONTENT_DIR=str(content)).test_cli_runner()
    result = runner.invoke(args=["plans", "import", str(source), "--slug", SLUG, "--dry-run"])
    assert result.exit_code != 0
    assert "notice.docx: unzipped," in result.stderr
    assert "more than the 1\u00a0kB a notice's text takes (PORTAL_NOTICE_MAX_UNZIPPED_BYTES)" in result.stderr


def test_a_docx_with_a_huge_picture_imports_without_unzipping_the_picture(content, tmp_path, monkeypatch):
    """A scan or photo pasted into the notice (a seal as a picture) holds no text: python-docx unzipped every
    picture into memory all the same. Pictures are now not unzipped at all, and do not count against the limit."""
    import io
    import zipfile

    def with_picture(paragraph):
        paragraph.add_run().add_picture(io.BytesIO(_png()))

    plain = _docx_of(NOTICE_2025, tmp_path / "plain.docx", with_picture)
    media = [n for n in zipfile.ZipFile(plain).namelist() if n.startswith("word/media/")]
    assert len(media) == 1
    source = _rezipped(plain, tmp_path / "notice.docx", media[0], 80)
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        if mode == "r" and self.filename == str(source):  # the file itself, not a copy in memory
            opened.append(getattr(name, "filename", name))
        return real_open(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    assert planned.problems == [] and {code: got[:4] for code, got in _items(planned).items()} == EXPECTED_2025
    assert "word/document.xml" in opened and media[0] not in opened


def test_a_pdf_with_letter_spaced_clause_key_words_and_offices_imports_its_offices_and_deadlines(content, tmp_path):
    """The same from a real text layer: key words and offices letter-spaced by the layout (CSS letter-spacing
    as a typesetter's 字距), which pdfminer gives back one space apart."""
    import re

    from test_plans_import import _chromium_pdf

    spaced = re.sub(r"(责任部门|牵头单位|配合单位|时间节点|完成时限|城运办|综合行政执法队|城建中心|经发办|社建办)",
                    r'<span class="spaced">\1</span>', NOTICE_2025)
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in spaced.split("\n\n") if p.strip())
    html = ('<!doctype html><html lang="zh"><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",'
            "sans-serif}p{margin:0 0 1em}.spaced{letter-spacing:0.6em}</style><body>" + paragraphs + "</body></html>")
    pdf = _chromium_pdf(html, tmp_path)
    from portal.content.readers import read_notice_file
    assert "（责 任 部 " in read_notice_file(pdf)[0]  # 门 may come as the radical ⻔, which normalise maps
    planned, _ = import_notice(pdf, SLUG, content, dry_run=True)
    assert planned.problems == [] and planned.unknown_offices == [], [str(p) for p in planned.problems]
    assert {c: v[:4] for c, v in _items(planned).items()} == EXPECTED_2025


def test_a_clause_wrapped_onto_a_second_line_is_cleaned_as_a_clause(content):
    """Where a clause runs onto the next line, that line was cleaned alone, as text outside a clause: the space
    between two offices went (城建中心经发办, an unknown office), and a letter-spaced key word or office cut by
    the wrap (完 成 / 时 限) was never joined. The joined line is cleaned again as one."""
    offices = {"城运办", "城建中心", "经发办", "综合行政执法队"}
    assert normalise("1．任务。（责任部门：城运办\n城建中心 经发办；时间节点：9月）", offices=offices).strip() == \
        "1．任务。（责任部门：城运办城建中心 经发办；时间节点：9月）"
    assert normalise("1．任务。（责 任 部 门：综 合 行 政 执\n法 队；完 成\n时 限：9月）", offices=offices).strip() == \
        "1．任务。（责任部门：综合行政执法队；完成时限：9月）"


def test_a_docx_whose_directory_understates_a_size_is_refused_without_unzipping_it_whole(tmp_path, monkeypatch):
    """A crafted zip can say its document.xml is 100 bytes and hold 60 MB: the size check alone would pass it.
    The parts are read in 1 MB chunks against the size said, so no more than a chunk is ever unzipped past it."""
    import struct
    import zipfile

    from portal.content.readers import NoticeReadError, read_notice_file

    source = _rezipped(_docx_of(NOTICE_2025, tmp_path / "plain.docx"), tmp_path / "notice.docx",
                       "word/document.xml", 60)
    data = bytearray(source.read_bytes())
    name = b"word/document.xml"
    at = data.rindex(name) - 46  # its central directory entry: the name follows 46 bytes of fields
    assert data[at:at + 4] == b"PK\x01\x02"
    data[at + 24:at + 28] = struct.pack("<I", 100)  # uncompressed size
    source.write_bytes(bytes(data))
    assert zipfile.ZipFile(source).getinfo("word/document.xml").file_size == 100
    largest = []
    real_read = zipfile.ZipExtFile.read

    def spy(self, n=-1):
        chunk = real_read(self, n)
        largest.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)
    with pytest.raises(NoticeReadError, match="notice.docx: not a readable .docx"):
        read_notice_file(source)
    assert max(largest) <= 1024 * 1024


NOTICE_2025_FIRST_STRUCK = NOTICE_2025.replace(
    "1．在地铁站点周边新增非机动车停放点不少于20处，规范停放秩序。（牵头单位：城运办；配合单位：综合行政执法队，城建中心；"
    "时间节点：第三季度）\n\n", "").replace("2．开展共享单车清理", "1．开展共享单车清理")


def test_a_later_plans_continues_line_naming_a_struck_out_point_links_to_no_other(content, tmp_path, app_factory):
    """2026's 1.1.1 continues 2025's 1.1.1, which a corrected notice strikes out; 2025's 1.1.2 moves up to 1.1.1.
    The line still named 1.1.1, so 2026's work was linked to the point that took the code, and that point's page
    said it was continued by 2026. The record now says the point it named is gone: no link either way, and the
    line is named for staff to correct."""
    from portal.services.plans import continued_elsewhere

    _published_2025(content, tmp_path)
    _continued_in_2026(content, tmp_path, "1.1.1")
    source = tmp_path / "corrected.txt"
    source.write_text(NOTICE_2025_FIRST_STRUCK, encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    assert planned.refusal is None and outcome.moved == {"1.1.2": "1.1.1"}
    client = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN="2023-city-management").test_client()
    assert not _links(client.get(f"/zh/plans/{LATER}/items/1.1.1").get_data(as_text=True), SLUG)
    assert not _links(client.get(f"/zh/plans/{SLUG}/items/1.1.1").get_data(as_text=True), LATER)
    assert [line for line in continued_elsewhere(content, SLUG) if f"{LATER}/items/1.1.1.yaml" in line]
    # `flask plans check` says so too (it passed the line: another point holds the code it names).
    check, result = _checked_2026(content, app_factory)
    assert [e for e in check.errors if "1.1.1.yaml" in e and "struck out" in e] and not check.warnings
    assert "struck out" in result.output
