"""Parse the official notice (浦张府〔2023〕45号) into sections, subsections and work points.

The notice is the source of truth for official wording, offices and deadlines, so nothing here
is typed in by hand: every item, office and month is read from the text, and a line the parser
cannot read stops the load with its line number and its words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import gettext

from ..i18n import N_
from .cn_numerals import cn_value

CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_NAMES = {n: c for c, n in CN_NUMERALS.items()} | {10 + n: "十" + c for c, n in CN_NUMERALS.items() if n < 10}
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

SECTION_RE = re.compile(r"^([一二三四五六七八九十]+)\s*[、,，.．]\s*(.+)$")
SUBSECTION_RE = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*(.+)$")
FIRST_SUBSECTION_RE = re.compile(r"[（(]\s*一\s*[）)]\s*\S")
# 1. 1．1、 and, where a notice numbers its third level as the fourth usually is, （1）.
ITEM_RE = re.compile(r"^(?:(?P<number>[0-9０-９]{1,2})\s*[.．、]|[（(]\s*(?P<bracketed>[0-9０-９]{1,2})\s*[）)])\s*(?P<text>.*)$")
OFFICES_KEYS = ("责任部门", "牵头单位", "牵头部门", "责任单位", "主责部门")
SUPPORT_KEYS = ("配合单位", "配合部门")
WHEN_KEYS = ("时间节点", "完成时限", "完成时间")
CLAUSE_KEYS = OFFICES_KEYS + SUPPORT_KEYS + WHEN_KEYS  # the key words a clause is read by, and no others
_OFFICES_KEY = f"(?:{'|'.join(OFFICES_KEYS)})"
_SUPPORT_KEY = f"(?:{'|'.join(SUPPORT_KEYS)})"
_WHEN_KEY = f"(?:{'|'.join(WHEN_KEYS)})"
CLAUSE_START_RE = re.compile(rf"[（(]\s*(?:{_OFFICES_KEY}|{_WHEN_KEY})")
CLAUSE_RE = re.compile(
    rf"[（(]\s*{_OFFICES_KEY}\s*[:：]\s*(?P<offices>.+?)\s*[;；,，]\s*"
    rf"(?:{_SUPPORT_KEY}\s*[:：]\s*(?P<support>.+?)\s*[;；,，]\s*)?"
    rf"{_WHEN_KEY}\s*[:：]\s*(?P<when>[^（）()]+?)\s*[）)]\s*[。.]?\s*$"
)
# Offices and no deadline at all: （责任部门：城运办）. The work point runs for the plan's year, as with 全年,
# and its page says the notice sets no deadline (Item.open_ended "none").
CLAUSE_NO_WHEN_RE = re.compile(
    rf"[（(]\s*{_OFFICES_KEY}\s*[:：]\s*(?P<offices>(?:(?!{_WHEN_KEY})[^；;])+?)\s*"
    rf"(?:[;；,，]\s*{_SUPPORT_KEY}\s*[:：]\s*(?P<support>(?:(?!{_WHEN_KEY})[^；;])+?)\s*)?[）)]\s*[。.]?\s*$"
)
# The same with the deadline first: （时间节点：9月；责任部门：城运办）.
CLAUSE_WHEN_FIRST_RE = re.compile(
    rf"[（(]\s*{_WHEN_KEY}\s*[:：]\s*(?P<when>[^（）()；;]+?)\s*[;；,，]\s*{_OFFICES_KEY}\s*[:：]\s*(?P<offices>.+?)\s*"
    rf"(?:[;；,，]\s*{_SUPPORT_KEY}\s*[:：]\s*(?P<support>.+?)\s*)?[）)]\s*[。.]?\s*$"
)
# 时间节点 forms: "9月" "9月底" "9月底前" "2024年3月" "年底前" "全年" "持续推进".
# The month also in words (九月, 十二月) and with its part (10月中旬) or 份 (9月份): the notice's own month.
WHEN_MONTH_RE = re.compile(r"^(?:(?P<year>[0-9０-９]{4})\s*年\s*)?(?P<month>[0-9０-９]{1,2}|十[一二]?|[一二三四五六七八九])\s*月\s*"
                           r"(?:[0-9０-９]{1,2}\s*日|[上中下]旬|份)?\s*[底末]?\s*前?\s*(?:完成)?$")
WHEN_YEAR_END_RE = re.compile(r"^(?:(?P<year>[0-9０-９]{4})\s*)?年\s*[底末]\s*前?\s*(?:完成)?$")
# A period rather than a month: 第三季度, 三季度末, 上半年. Its deadline is the period's last month, and the
# item page says that month was read from the notice's period (Item.open_ended "period").
WHEN_QUARTER_RE = re.compile(r"^(?:(?P<year>[0-9]{4})\s*年\s*)?第?\s*(?P<quarter>[一二三四1-4])\s*季度\s*[底末]?\s*前?\s*(?:完成)?$")
WHEN_HALF_RE = re.compile(r"^(?:(?P<year>[0-9]{4})\s*年\s*)?(?P<half>[上下])\s*半\s*年\s*[底末]?\s*前?\s*(?:完成)?$")
# A span of years, 2024—2025年, 2024年至2025年: due at the end of its last year, which the item page says
# was read from the notice's words (Item.open_ended "period"), as with a span of months.
WHEN_YEARS_RE = re.compile(r"^(?P<first>[0-9０-９]{4})\s*年?\s*(?:[-－—–~～]+|至|到)\s*(?P<year>[0-9０-９]{4})\s*年\s*"
                           r"(?:[底末]\s*)?前?\s*(?:完成)?$")
# Several dates, 6月、12月, or a span, 6月至9月: the work is due by the last of them.
WHEN_SEVERAL_RE = re.compile(r"\s*(?:[、，,/／]|和|及|至|到)\s*")
# No month in the notice: the item runs for the plan's year, so its month is the year's last; the
# item keeps the notice's words (Item.open_ended) so pages can say so.
WHEN_ALL_YEAR = ("全年",)
WHEN_ONGOING = ("持续推进", "长期推进", "常态化推进", "长期坚持", "长期", "常态化", "持续", "持续开展", "长效推进")
WHEN_OPEN = WHEN_ALL_YEAR + WHEN_ONGOING
# A figure with a unit: a work point's target (300余家, 3.5万平方米).
FIGURE_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?\s*(?:个|台|处|家|户|公里|千米|米|平方米|条|座|所|项|%|％|万)")
OFFICE_SPLIT_RE = re.compile(r"\s*[、,，/／]\s*|\s+")
NUMBER_RE = re.compile(r"[〔\[]\s*(\d{4})\s*[〕\]]\s*(\d+)\s*号")
DATE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
# The same written in Chinese numerals, as many official documents date themselves: 二〇二五年二月二十日
# (○, a white circle, is often typed for 〇).
_CN_YEAR = "[〇零○一二三四五六七八九]{4}"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
CN_DATE_RE = re.compile(rf"^({_CN_YEAR})\s*年\s*({_CN_SMALL})\s*月\s*({_CN_SMALL})\s*日$")
CN_YEAR_RE = re.compile(rf"({_CN_YEAR})\s*年")
TITLE_IN_QUOTES_RE = re.compile(r"《([^》]+)》")
YEAR_RE = re.compile(r"(\d{4})\s*年")
NO_CLAUSE = N_("work point has no （责任部门：…；时间节点：…） clause")
# A line that ends a sentence; anything else was broken by the PDF export and continues below.
SENTENCE_END = ("。", "；", ";", "）", ")", "：", ":", "！", "？")


class NoticeParseError(ValueError):
    """The notice could not be read at `line`. The error keeps its data (an N_ message id and its values) and
    str() words it in the language active where it is shown: the import collects these while parsing and
    shows them afterwards, so wording fixed at raise time could be in another language than the reader's."""

    def __init__(self, line: int, message: str, quote: str | None = None, **values):
        super().__init__(line, message, quote, values)
        self.line, self.message, self.quote, self.values = line, message, quote, values

    def quoting(self, text: str) -> "NoticeParseError":
        """The same error with the line's own words after its number: a line number alone points into
        the normalised text, which the clerk holding a .docx or PDF never sees."""
        quote = text if len(text) <= 30 else text[:30] + "…"
        return NoticeParseError(self.line, self.message, quote, **self.values)

    def __str__(self) -> str:
        what = gettext(self.message, **self.values)
        if self.quote is None:
            return gettext("line %(line)s: %(what)s", line=self.line, what=what)
        return gettext("line %(line)s “%(quote)s”: %(what)s", line=self.line, quote=self.quote, what=what)


@dataclass
class ParsedItem:
    code: str
    section: int
    subsection: int
    number: int | None
    official_text: str
    offices: list[str]
    deadline: str
    line: int
    supporting: list[str] = field(default_factory=list)  # 配合单位, after the lead offices in `offices`
    when: str = ""  # the notice's own 时间节点 words, e.g. 9月底前, 全年, 持续推进
    clause: str = ""  # the notice's own （责任部门：…；时间节点：…） words, shown verbatim


class Clause(NamedTuple):
    body: str
    lead: list[str]
    supporting: list[str]
    deadline: str
    when: str
    words: str


@dataclass
class ParsedSubsection:
    code: str
    number: int
    title: str
    numbered: bool
    line: int


@dataclass
class ParsedSection:
    number: int
    title: str
    subsections: list[ParsedSubsection] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedNotice:
    issuer: str
    number: str
    date: str
    title: str
    body_title: str
    preamble: str
    sections: list[ParsedSection]
    items: list[ParsedItem]
    full_text: str
    year: int  # the plan's year: the one its deadlines fall in


def _cn_number(text: str, line: int) -> int:
    if text in CN_NUMERALS:
        return CN_NUMERALS[text]
    if len(text) == 2 and text[0] == "十" and text[1] in CN_NUMERALS:
        return 10 + CN_NUMERALS[text[1]]
    raise NoticeParseError(line, N_("cannot read the numeral %(numeral)s"), numeral=repr(text))


def _raw_lines(text: str) -> list[tuple[int, str]]:
    stripped = ((n, raw.strip().replace("\u3000", " ")) for n, raw in enumerate(text.splitlines(), start=1))
    return [(n, line) for n, line in stripped if line]


def _logical_lines(raw_lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join the lines the PDF export broke mid-sentence; keep each line's first line number."""
    out: list[tuple[int, str]] = []
    for number, line in raw_lines:
        starts_block = bool(SECTION_RE.match(line) or SUBSECTION_RE.match(line) or ITEM_RE.match(line))
        if out and CLAUSE_START_RE.match(line):
            out[-1] = (out[-1][0], out[-1][1] + line)
            continue
        if out and not starts_block and not out[-1][1].endswith(SENTENCE_END) and not _is_heading(out[-1][1]):
            out[-1] = (out[-1][0], out[-1][1] + line)
            continue
        out.append((number, line))
    return out


def _is_heading(line: str) -> bool:
    if SECTION_RE.match(line):
        return True
    m = SUBSECTION_RE.match(line)
    return bool(m) and not CLAUSE_START_RE.search(line)


def _month(value: str) -> int:
    value = value.translate(_DIGITS)
    return int(value) if value.isdigit() else 10 + CN_NUMERALS.get(value[1:], 0) if value[0] == "十" else CN_NUMERALS[value]


def _deadline(when: str, line: int, year: int) -> str:
    when = when.strip()
    if when in WHEN_OPEN:
        return f"{year:04d}-12"
    if m := WHEN_YEARS_RE.match(when):
        first, last = (int(m.group(g).translate(_DIGITS)) for g in ("first", "year"))
        if last <= first:
            raise NoticeParseError(line, N_("cannot read the deadline %(when)s"), when=repr(when))
        return f"{last:04d}-12"
    parts = [part for part in WHEN_SEVERAL_RE.split(when) if part]
    if len(parts) > 1:
        return max(_deadline(part, line, year) for part in parts)
    m = WHEN_MONTH_RE.match(when) or WHEN_YEAR_END_RE.match(when)
    if m:
        month = _month(m.groupdict().get("month") or "12")
    elif m := WHEN_QUARTER_RE.match(when):
        month = 3 * (CN_NUMERALS.get(m.group("quarter")) or int(m.group("quarter")))
    elif m := WHEN_HALF_RE.match(when):
        month = 6 if m.group("half") == "上" else 12
    else:
        raise NoticeParseError(line, N_("cannot read the deadline %(when)s"), when=repr(when))
    if not 1 <= month <= 12:
        raise NoticeParseError(line, N_("deadline month %(month)s is not a month"), month=month)
    if m.group("year"):
        year = int(m.group("year").translate(_DIGITS))
    return f"{year:04d}-{month:02d}"


def _reads_as_when(words: str) -> bool:
    try:
        _deadline(words, 0, 2000)
    except NoticeParseError:
        return False
    return True


def deadline_from_period(when: str) -> bool:
    """Whether the deadline month is not in the notice's words but read from a period (第三季度), the
    last of several dates (6月、12月) or the last year of a span (2024—2025年)."""
    when = when.strip()
    parts = [part for part in WHEN_SEVERAL_RE.split(when) if part]
    return len(parts) > 1 or bool(WHEN_YEARS_RE.match(when) or WHEN_QUARTER_RE.match(when) or WHEN_HALF_RE.match(when))


def _offices(text: str | None) -> list[str]:
    return [o.strip() for o in OFFICE_SPLIT_RE.split(text or "") if o.strip()]


def split_clause(text: str, line: int, year: int) -> "Clause":
    """Official text, lead offices, supporting offices, deadline (YYYY-MM) and the 时间节点 words."""
    start = CLAUSE_START_RE.search(text)
    if not start:
        raise NoticeParseError(line, NO_CLAUSE)
    if CLAUSE_START_RE.search(text, start.end()):
        # Sub-tasks with clauses of their own: one work point has one set of offices and one deadline, and
        # the first clause would be read as part of the second one's offices.
        raise NoticeParseError(line, N_("work point has two （责任部门：…；时间节点：…） clauses: the import reads "
                                        "one per work point"))
    m = (CLAUSE_RE.search(text, start.start()) or CLAUSE_WHEN_FIRST_RE.search(text, start.start())
         or CLAUSE_NO_WHEN_RE.search(text, start.start()))
    if not m:
        raise NoticeParseError(line, N_("cannot read the responsible offices and deadline in %(clause)s"),
                               clause=repr(text[start.start():][:60]))
    when = re.sub(r"\s+", "", m.groupdict().get("when") or "")  # 长期 坚持: a space the clause keeps
    deadline = _deadline(when, line, year) if when else f"{year:04d}-12"
    body = text[: start.start()].strip()
    if not body:
        raise NoticeParseError(line, N_("work point has no text before its offices clause"))
    lead, supporting = _offices(m.group("offices")), _offices(m.group("support"))
    for office in lead + supporting:
        # A deadline under a key not read here (时限：9月底前) or under none would be taken for an office,
        # and the work point for one the notice sets no deadline for.
        if ":" in office or "：" in office or _reads_as_when(office):
            raise NoticeParseError(line, N_("%(office)s in the clause is not an office: a deadline is read after "
                                            "时间节点：, 完成时限： or 完成时间："), office=repr(office))
    return Clause(body, lead, supporting, deadline, when.strip(),
                  text[start.start():].strip().rstrip("。."))


class _Head(NamedTuple):
    issuer: str
    number: str
    date: str
    title: str
    body_start: int  # index in the raw lines of the first action area (一、…)


def _read_head(raw: list[tuple[int, str]]) -> _Head:
    """The letterhead: issuer, document number, issue date and title, up to the first action area."""
    number = date = title = ""
    for idx, (_ln, line) in enumerate(raw):
        if not number and NUMBER_RE.search(line) and len(line) < 30:
            number = line
        elif not title and "关于印发" in line:
            title = line
        elif not date and (found := _date_line(line)):
            y, mo, d = (_number(part) for part in found.groups())
            date = f"{y:04d}-{mo:02d}-{d:02d}"
        if SECTION_RE.match(line):
            break
    else:
        idx = None
    if not number:
        raise NoticeParseError(1, N_("no document number (such as 浦张府〔2023〕45号) found"))
    if not date:
        raise NoticeParseError(1, N_("no issue date (such as 2023年6月21日) found"))
    if idx is None:
        raise NoticeParseError(raw[-1][0], N_("no numbered action area (一、…) found"))
    return _Head(raw[0][1], number, date, title, idx)


class _BodyReader:
    """Reads the body line by line into action areas, subsections and work points.

    With a `problems` list, an unreadable line is noted there and reading goes on (the import's dry
    run reports every one); without it, the first stops the load."""

    def __init__(self, year: int, problems: list[NoticeParseError] | None):
        self.year, self.problems = year, problems
        self.sections: list[ParsedSection] = []
        self.items: list[ParsedItem] = []
        self.section: ParsedSection | None = None
        self.sub: ParsedSubsection | None = None
        self.pending: tuple[int, str] | None = None  # text of a subsection-level work point still to close
        self.unreadable: set[str] = set()  # subsections already reported, not to be reported again as empty
        self.numbers: dict[str, int] = {}  # subsection code -> the last work point number read in it

    def read(self, lines: list[tuple[int, str]]) -> None:
        for ln, line in lines:
            try:
                self._line(ln, line)
            except NoticeParseError as exc:
                # A work point continued from earlier lines is quoted from its start.
                self._note(exc.quoting(self.pending[1] if self.pending and self.pending[0] != ln else line))
                self.pending = None
        try:
            self._flush_pending()
        except NoticeParseError as exc:
            self._note(exc)
        self._check_subsections()

    def _note(self, exc: NoticeParseError) -> None:
        if self.problems is None:
            raise exc
        self.problems.append(exc)

    def _line(self, ln: int, line: str) -> None:
        m = SECTION_RE.match(line)
        clause = CLAUSE_START_RE.search(line)
        first_sub = FIRST_SUBSECTION_RE.search(line)
        if m and (clause is None or (first_sub is not None and first_sub.start() < clause.start())):
            return self._section(ln, m)
        if self.section is None:
            raise NoticeParseError(ln, N_("text before the first action area"))
        m = SUBSECTION_RE.match(line)
        if m and not CLAUSE_START_RE.match(line):
            clause = CLAUSE_START_RE.search(line)
            if clause is None:
                return self._subsection(ln, m)
            return self._subsection_with_its_text(ln, m, clause.start() - m.start(2))
        m = ITEM_RE.match(line)
        if m:
            return self._numbered_item(ln, m)
        if self.sub is None and not CLAUSE_START_RE.search(line) and not line.endswith(SENTENCE_END):
            # An unnumbered subsection heading, as in 五、…\n开展居住安全整治
            self.sub = ParsedSubsection(f"{self.section.number}.1", 1, line, False, ln)
            self.section.subsections.append(self.sub)
            return None
        return self._subsection_text(ln, line)

    def _flush_pending(self) -> None:
        if self.pending is not None:
            ln, txt = self.pending
            self.pending = None
            # Noted; the heading that follows is still read.
            self._note(NoticeParseError(ln, NO_CLAUSE).quoting(txt))

    def _section(self, ln: int, m: re.Match) -> None:
        self._flush_pending()
        title = m.group(2)
        # 一、开展市容环境整治行动（一）整治沿街立面。: the area's heading run into its first subsection.
        first_sub = FIRST_SUBSECTION_RE.search(title)
        if first_sub and first_sub.start() > 0:
            title, rest = title[:first_sub.start()], title[first_sub.start():]
        else:
            rest = ""
        section = ParsedSection(number=_cn_number(m.group(1), ln), title=title.rstrip("。. "), line=ln)
        if section.number != len(self.sections) + 1:
            raise NoticeParseError(ln, N_("action area %(number)s is out of order"), number=m.group(1))
        self.sections.append(section)
        self.section, self.sub = section, None
        if rest:
            self._line(ln, rest)

    def _subsection(self, ln: int, m: re.Match) -> None:
        self._flush_pending()
        n = _cn_number(m.group(1), ln)
        if n != len(self.section.subsections) + 1:
            raise NoticeParseError(ln, N_("subsection （%(number)s） is out of order"), number=m.group(1))
        self.sub = ParsedSubsection(f"{self.section.number}.{n}", n, m.group(2).rstrip("。. "), False, ln)
        self.section.subsections.append(self.sub)

    def _subsection_with_its_text(self, ln: int, m: re.Match, clause_at: int) -> None:
        """（一）实施高品质美丽街区建设。巩固……（责任部门：…）: many notices run a subsection's heading
        into its work point. The heading ends at its first 。; without one the two cannot be told apart."""
        rest = m.group(2)
        end = rest.find("。", 0, clause_at)
        if end < 0 or not rest[end + 1:clause_at].strip():
            self._subsection(ln, m)  # so the subsections after it are read in order
            self.unreadable.add(self.sub.code)
            raise NoticeParseError(ln, N_("subsection heading and work point on one line with no 。 between "
                                          "them: put the work point on a line of its own"))
        self._subsection(ln, SUBSECTION_RE.match(f"（{m.group(1)}）{rest[:end + 1]}"))
        text = rest[end + 1:].strip()
        numbered = ITEM_RE.match(text)  # （一）排查燃气安全隐患。1．完成…: its first numbered point
        if numbered:
            return self._numbered_item(ln, numbered)
        return self._subsection_text(ln, text)

    def _numbered_item(self, ln: int, m: re.Match) -> None:
        self._flush_pending()
        sub = self.sub
        if sub is None:
            raise NoticeParseError(ln, N_("numbered work point outside a subsection"))
        n = int((m.group("number") or m.group("bracketed")).translate(_DIGITS))
        sub.numbered = True
        # Counted from the numbers read, not the work points kept: one unreadable point is one problem,
        # not also "out of order" for every point after it.
        expected = self.numbers.get(sub.code, 0) + 1
        self.numbers[sub.code] = n
        if n != expected:
            raise NoticeParseError(ln, N_("work point %(number)s. is out of order (expected %(expected)s.)"),
                                   number=n, expected=expected)
        try:
            self._add_item(f"{sub.code}.{n}", n, split_clause(m.group("text"), ln, self.year), ln)
        except NoticeParseError:
            self.unreadable.add(sub.code)  # reported here; not again as a subsection with no work point
            raise

    def _subsection_text(self, ln: int, line: str) -> None:
        """Text of a subsection without numbered points: one work point, maybe over several lines."""
        sub = self.sub
        if sub is None:
            raise NoticeParseError(ln, N_("text outside any subsection"))
        if sub.numbered or any(i.code == sub.code for i in self.items):
            raise NoticeParseError(ln, N_("unexpected text after a work point"))
        start_ln, text_so_far = self.pending or (ln, "")
        text_so_far += line
        if CLAUSE_START_RE.search(text_so_far):
            self._add_item(sub.code, None, split_clause(text_so_far, start_ln, self.year), start_ln)
            self.pending = None
        else:
            self.pending = (start_ln, text_so_far)

    def _add_item(self, code: str, number: int | None, c: Clause, ln: int) -> None:
        self.items.append(ParsedItem(code, self.section.number, self.sub.number, number, c.body,
                                     c.lead + c.supporting, c.deadline, ln, c.supporting, c.when, c.words))

    def _check_subsections(self) -> None:
        for sec in self.sections:
            if not sec.subsections:  # a page lost, or a heading pasted without its text
                self._note(NoticeParseError(sec.line, N_("action area %(number)s has no work point"),
                                            number=_CN_NAMES[sec.number]).quoting(sec.title))
            for s in sec.subsections:
                if s.code not in self.unreadable and not any(i.code == s.code or i.code.startswith(s.code + ".") for i in self.items):
                    self._note(NoticeParseError(s.line, N_("subsection %(code)s has no work point"), code=s.code)
                               .quoting(s.title))


def plan_title(title: str, body_title: str) -> str:
    """The plan's own name: the 《…》 in the notice's title (关于印发《…》的通知), else the body's heading."""
    m = TITLE_IN_QUOTES_RE.search(title)
    return m.group(1) if m else (body_title or title)


def plan_year(title: str, body_title: str, date: str) -> int:
    """The year the plan's title names (…2024年…工作要点). A plan is often issued in the December before
    its year, so the issue date's year is only the fallback for a title without one."""
    named = plan_title(title, body_title)
    m = YEAR_RE.search(named) or CN_YEAR_RE.search(named)
    return _number(m.group(1)) if m else int(date[:4])


def _date_line(line: str) -> re.Match | None:
    """A line that is a date alone (2025年2月20日, 二〇二五年二月二十日): the issue date, or the 落款's."""
    return DATE_RE.match(line) or CN_DATE_RE.match(line)


def _number(text: str) -> int:
    """A year, month or day as the notice writes it: 2025, 二〇二五, 二十."""
    return int(text) if text.isdigit() else int(cn_value(text.replace("○", "〇")) or 0)


# What closes a notice after its last work point: the issuer's signature and date (落款), the distribution
# record (抄送, 印发) and the publication note. A 附件 line closes it too.
CLOSING_RE = re.compile(r"^(?:抄送|抄报|附件\s*\d*)\s*[:：]|印发$|^[（(]\s*此件[^）)]{0,10}[）)]$")


def _body_end(raw: list[tuple[int, str]], start: int, issuer: str) -> int:
    """The index in `raw` where the body ends: at the first closing line after the first action area,
    provided nothing after it reads as an area, subsection or work point (a notice that goes on with
    its work points after a 附件 line is read to its end, and any line it cannot read is reported)."""
    for idx in range(start + 1, len(raw)):
        line = raw[idx][1]
        closing = CLOSING_RE.search(line) or _date_line(line) or line == issuer or (
            line.endswith("人民政府") and len(line) <= 20)
        if closing:
            rest = [ln for _, ln in raw[idx + 1:]]
            if any(SECTION_RE.match(ln) or SUBSECTION_RE.match(ln) or ITEM_RE.match(ln) or CLAUSE_START_RE.search(ln)
                   for ln in rest):
                return len(raw)
            return idx
    return len(raw)


def parse_notice(text: str, problems: list[NoticeParseError] | None = None) -> ParsedNotice:
    """Parse the notice; with a `problems` list, unreadable lines are collected there instead of raised."""
    raw = _raw_lines(text)
    if not raw:
        raise NoticeParseError(1, N_("the notice is empty"))
    head = _read_head(raw)
    start = head.body_start
    # The body's own title and preamble stand just before the first action area.
    body_title = raw[start - 2][1] if start >= 2 else head.title
    preamble = raw[start - 1][1] if start >= 1 else ""
    year = plan_year(head.title, body_title, head.date)
    body = _BodyReader(year, problems)
    body.read(_logical_lines(raw[start:_body_end(raw, start, head.issuer)]))
    return ParsedNotice(
        issuer=head.issuer, number=head.number, date=head.date, title=head.title, body_title=body_title,
        preamble=preamble, sections=body.sections, items=body.items, full_text=text, year=year,
    )
