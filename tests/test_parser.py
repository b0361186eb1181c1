"""The notice parser: every code, office and month of the real notice, its variants, and broken input."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal.content.parser import NoticeParseError, parse_notice

ROOT = Path(__file__).resolve().parent.parent
NOTICE = (ROOT / "content" / "plans" / "2023-city-management" / "notice.txt").read_text(encoding="utf-8")

EXPECTED = {
    "1.1": (["城运办"], "2023-11"),
    "1.2": (["规建办"], "2023-05"),
    "2.1.1": (["受理中心"], "2023-12"),
    "2.1.2": (["社建办"], "2023-11"),
    "2.1.3": (["规建办", "相关部门"], "2023-09"),
    "2.1.4": (["社建办"], "2023-11"),
    "2.2": (["规建办"], "2023-12"),
    "2.3": (["社建办", "城建中心（房办）"], "2023-12"),
    "2.4": (["城建中心（房办）"], "2023-12"),
    "2.5": (["规建办", "社发办"], "2023-09"),
    "3.1": (["规建办", "征收办"], "2023-07"),
    "3.2.1": (["规建办", "城建中心"], "2023-10"),
    "3.2.2": (["城建中心"], "2023-12"),
    "3.3": (["经发办", "规建办"], "2023-12"),
    "4.1": (["城运办"], "2023-12"),
    "4.2": (["经发办"], "2023-12"),
    "4.3": (["城运办", "综合行政执法队"], "2023-12"),
    "4.4": (["综合行政执法队"], "2023-12"),
    "5.1.1": (["城运办", "“群租”整治办"], "2023-11"),
    "5.1.2": (["规建办"], "2023-12"),
    "5.1.3": (["社建办", "城建中心（房办）"], "2023-05"),
    "5.1.4": (["城运办"], "2023-09"),
    "5.1.5": (["平安办"], "2023-09"),
    "6.1.1": (["城运中心"], "2023-11"),
    "6.1.2": (["城运中心"], "2023-11"),
    "6.2": (["城运办", "综合行政执法队", "城运中心"], "2023-12"),
    "7.1": (["综合行政执法队"], "2023-12"),
    "7.2": (["党群办"], "2023-12"),
    "8.1": (["规建办", "相关部门"], "2023-12"),
    "8.2": (["经发办"], "2023-12"),
}


@pytest.fixture(scope="module")
def notice():
    return parse_notice(NOTICE)


def test_metadata(notice):
    assert notice.number == "浦张府〔2023〕45号"
    assert notice.date == "2023-06-21"
    assert notice.issuer == "浦东新区张江镇人民政府"
    assert "城市管理精细化工作要点" in notice.title


def test_all_thirty_codes_offices_and_months(notice):
    got = {i.code: (i.offices, i.deadline) for i in notice.items}
    assert got == EXPECTED


def test_sections_and_unnumbered_subsection(notice):
    assert [s.number for s in notice.sections] == list(range(1, 9))
    five = notice.sections[4]
    assert [(s.code, s.title) for s in five.subsections] == [("5.1", "开展居住安全整治")]
    assert notice.sections[7].subsections[1].title == "美丽乡村建设"


def test_pdf_line_breaks_are_removed(notice):
    by_code = {i.code: i for i in notice.items}
    assert "“远程虚拟窗口”试点，助力" in by_code["2.1.1"].official_text
    assert "试点推进智能感知设备在电梯" in by_code["2.4"].official_text
    assert "重点路段、重点点位" in by_code["8.1"].official_text
    assert all("\n" not in i.official_text for i in notice.items)
    # The clause on its own line (6.1.1) still belongs to its item.
    assert by_code["6.1.1"].official_text.endswith("体系。")


def test_official_text_excludes_the_clause(notice):
    for item in notice.items:
        assert "责任部门" not in item.official_text
        assert "时间节点" not in item.official_text


def _mini(body: str) -> str:
    return "张江镇人民政府\n\n浦张府〔2023〕45号\n\n关于印发要点的通知\n\n2023年6月21日\n\n要点\n\n前言。\n\n" + body


@pytest.mark.parametrize("clause", [
    "（责任部门：城运办；时间节点：11月）",
    "（责任部门：城运办，时间节点：11月）",
    "(责任部门:城运办;时间节点:11月)",
    "（牵头单位：城运办；时间节点：11月）",
    "（责任单位：城运办；时间节点：2023 年 11 月）",
    "（ 责任部门 ： 城运办 ； 时间节点 ： １１ 月 ）",
])
def test_clause_variants(clause):
    parsed = parse_notice(_mini(f"一、行动\n\n（一）小节。\n\n做一件事。{clause}\n"))
    assert [(i.code, i.offices, i.deadline) for i in parsed.items] == [("1.1", ["城运办"], "2023-11")]


def test_offices_with_brackets_and_quotes_stay_whole():
    parsed = parse_notice(_mini("一、行动\n\n（一）小节。\n\n1. 做事。（责任部门：“群租”整治办、城建中心（房办）；时间节点：5月）\n"))
    assert parsed.items[0].offices == ["“群租”整治办", "城建中心（房办）"]
    assert parsed.items[0].code == "1.1.1"


def test_item_without_clause_names_its_line():
    broken = _mini("一、行动\n\n（一）小节。\n\n1. 做一件事。\n\n2. 另一件事。（责任部门：城运办；时间节点：5月）\n")
    with pytest.raises(NoticeParseError, match=r"line 17 “1. 做一件事。”: .*责任部门"):
        parse_notice(broken)


def test_a_collected_problem_keeps_its_line_and_is_worded_in_the_language_it_is_shown_in(app):
    from flask_babel import force_locale

    problems = []
    parse_notice(_mini("一、行动\n\n（一）小节。\n\n1. 做一件事。\n\n2. 另一件事。（责任部门：城运办；时间节点：5月）\n"),
                 problems)
    assert problems[0].line == 17
    with app.app_context():
        with force_locale("zh"):
            assert str(problems[0]) == "第 17 行“1. 做一件事。”：工作要点缺少（责任部门：…；时间节点：…）括注"
        with force_locale("en"):
            assert str(problems[0]) == "line 17 “1. 做一件事。”: work point has no （责任部门：…；时间节点：…） clause"


def test_unreadable_deadline_names_its_line():
    broken = _mini("一、行动\n\n（一）小节。\n\n做一件事。（责任部门：城运办；时间节点：尽快）\n")
    with pytest.raises(NoticeParseError, match=r"line 17 “做一件事。（责任部门：城运办；时间节点：尽快）”: cannot read"):
        parse_notice(broken)


def test_month_out_of_range():
    with pytest.raises(NoticeParseError, match="not a month"):
        parse_notice(_mini("一、行动\n\n（一）小节。\n\n做事。（责任部门：城运办；时间节点：13月）\n"))


def test_missing_number_is_reported():
    with pytest.raises(NoticeParseError, match="document number"):
        parse_notice("张江镇\n\n2023年6月21日\n\n一、行动\n")
