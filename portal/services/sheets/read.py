"""Reading an uploaded sheet (.xlsx or .csv) into rows of text, refusing what is not a sheet.

An .xlsx file is a zip archive: its members and their uncompressed size are checked before openpyxl
opens it (a few hundred kilobytes can unpack to gigabytes), and openpyxl reads it in read-only mode.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from ...i18n import N_
from ...csv_files import unquote
from .columns import SHEETS, Sheet
from .problems import Problem
from .rows import cell_text

MAX_MEMBERS = 200
MAX_UNPACKED = 40 * 1024 * 1024
# openpyxl reads the worksheets row by row (read-only mode), but every part it opens while loading the workbook
# (styles, shared strings, the workbook and its relationships) it builds whole, as Python objects: a 128 KB upload
# whose styles unpacked to 37 MB took 943 MB and 8 s, one with 39 MB of shared strings 211 MB and 15 s. Those parts
# of the workbook downloaded here take about 20 KB.
MAX_LOADED = 4 * 1024 * 1024
MAX_ROWS = 20_000
# Columns looked at for a header: the sheet has 17, offices add a few. A worksheet's used range may reach column XFD
# (a whole row formatted), and openpyxl's read-only mode pads every row to it: each sheet is read only as wide as
# the last cell of its first rows (its header), and never wider than this.
MAX_COLUMNS = 256
# Cells of merged ranges given their range's value: far more than any sheet has, to bound a crafted file's cost.
MAX_MERGED_CELLS = 200_000
MERGE_CELL = f"{{{SHEET_MAIN_NS}}}mergeCell"
CELL, FORMULA, RESULT = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("c", "f", "v"))
# Offices put a title, a date or a note above the header; a table's header row is looked for this far down.
HEADER_ROWS = 10
# What a number format shows literally: quoted text and backslash-escaped characters ("0.0\%" shows a % sign
# without multiplying by 100, as "0.0%" does).
LITERAL_RE = re.compile(r'"[^"]*"|\\.')
# What a number format shows that is no part of the date: [$-804] (locale), [DBNum1] (Chinese numerals), [Red].
SECTIONS_RE = re.compile(r"\[[^\]]*\]")
# Excel on a Chinese Windows saves the dates typed as 2023年9月1日, 2023年9月 or 9月1日 with a built-in format of
# that locale, named by its number alone (no format code in the file), which openpyxl does not know as a date.
ZH_DATE_FORMATS = {
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}
NO_RESULT = N_("This cell holds a formula whose result was not saved in the file, so its value cannot be read. "
               "Open the file in Excel or WPS, save it, and upload it again; or type the value itself.")
UNPACKS_TOO_MUCH = N_("This file unpacks to far more than a progress sheet does, so it was not opened.")
NOT_A_SHEET = N_("This file is not a progress sheet. Please upload the .xlsx or .csv file downloaded from this page.")
NO_TABLE = N_("No “%(title)s” sheet was found in this workbook, so nothing on it was read. Its header row (the "
              "column names such as “编号 / Code”) must be within its first %(rows)s rows; please upload the "
              "workbook downloaded from this page.")
# Which plan a downloaded file is for: codes such as 2.3 repeat in every year's plan, so a sheet must not be read
# against another plan's work points. The .xlsx holds it in a defined name, the CSV files in a row above the header.
PLAN_NAME = "PortalPlan"
PLAN_LABELS = ("计划 / plan", "计划", "plan")
TWO_TABLES = N_("The sheets “%(first)s” and “%(second)s” are both a “%(title)s” table, and only one can be read. "
                "Delete the one that is not up to date (an old copy perhaps) and upload the file again.")


class _NoResult(str):
    """A formula cell saved without its result (see _marks): empty as text, but never taken for an empty cell."""


UNCACHED = _NoResult("")


@dataclass
class Parsed:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {"items": [], "sites": []})
    problems: list[Problem] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # the sheets found, by key
    # Where each table was found, by key: {"tab": the worksheet's name (None in a CSV file), "letters": the letter
    # of each column found, by column key} (offices insert, reorder and delete columns).
    layout: dict[str, dict] = field(default_factory=dict)
    plan: str | None = None  # the slug of the plan the file says it is for; None in a file from before it said

    def as_dict(self) -> dict:
        return {"rows": self.rows, "problems": [p.as_dict() for p in self.problems], "sheets": self.sheets,
                "layout": self.layout, "plan": self.plan}

    @classmethod
    def from_dict(cls, data: dict) -> "Parsed":
        # Uploads stored before the layout was kept have none: their problems are placed as in the template.
        return cls(data["rows"], [Problem.from_dict(p) for p in data["problems"]], data["sheets"],
                   data.get("layout", {}), data.get("plan"))


def read(data: bytes, filename: str) -> Parsed:
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    return _csv(data)


def _refused(message: str = NOT_A_SHEET, **params) -> Parsed:
    return Parsed(problems=[Problem(message, params=params)])


def _zip_problem(data: bytes) -> str | None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        return NOT_A_SHEET
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        return UNPACKS_TOO_MUCH
    return None


class _TooMuchToLoad(Exception):
    pass


class _LoadBudget(zipfile.ZipFile):
    """The archive openpyxl loads a workbook from: the bytes it reads while loading count against MAX_LOADED,
    and reading past it stops the load before the part is built. The worksheets are read row by row once the
    workbook is loaded (budget None): only the start of each, where its size is, counts."""

    budget: int | None = MAX_LOADED

    def open(self, name, mode="r", pwd=None, **kwargs):
        part = super().open(name, mode, pwd, **kwargs)
        if mode != "r" or self.budget is None:
            return part
        return _Counted(self, part, (name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)).file_size)

    def spend(self, n: int) -> None:
        if self.budget is not None:
            self.budget -= n
            if self.budget < 0:
                raise _TooMuchToLoad()


class _Counted:
    """A part of the archive being read while the workbook loads: whole (read()) or in pieces (iterparse)."""

    def __init__(self, archive: _LoadBudget, part, size: int):
        self._archive, self._part, self._size = archive, part, size

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:  # the whole part: refused by its size, before it is unpacked
            self._archive.spend(self._size)
            return self._part.read()
        data = self._part.read(n)
        self._archive.spend(len(data))
        return data

    def close(self) -> None:
        self._part.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._part.close()


def _load(data: bytes):
    """openpyxl's load_workbook(read_only=True, data_only=True), from an archive that keeps to MAX_LOADED."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.archive = archive = _LoadBudget(io.BytesIO(data))
    reader.read()
    archive.budget = None
    return reader.wb


def _xlsx(data: bytes) -> Parsed:
    problem = _zip_problem(data)
    if problem:
        return _refused(problem)
    try:
        wb = _load(data)
    except _TooMuchToLoad:
        return _refused(UNPACKS_TOO_MUCH)
    except Exception:  # openpyxl raises many kinds of error for a damaged or foreign file
        return _refused()
    parsed = Parsed(plan=_defined_plan(wb))
    try:
        for ws in wb.worksheets:
            _take(parsed, _rows(ws), ws.title)
    except Exception:
        return _refused()
    finally:
        wb.close()
    # The workbook downloaded has both tables: one not found would otherwise pass for one without changes.
    for key, sheet in SHEETS.items():
        if key not in parsed.sheets:
            parsed.problems.append(Problem(NO_TABLE, params={"title": sheet.title, "rows": HEADER_ROWS}))
    return parsed


def _defined_plan(wb) -> str | None:
    """The plan the download wrote into the workbook's defined name (a constant: ="2023-city-management")."""
    try:
        name = wb.defined_names.get(PLAN_NAME)
    except Exception:
        return None
    value = (getattr(name, "attr_text", None) or "").strip().lstrip("=").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value.strip() or None


def _width(ws) -> int:
    """How many columns of a worksheet are read: up to the last cell holding anything in its first rows (where
    the header is looked for), at most MAX_COLUMNS; a cell formatted at XFD holds nothing and widens nothing."""
    width = 0
    for cells in ws.iter_rows(max_row=HEADER_ROWS, max_col=MAX_COLUMNS, values_only=True):
        for n, value in enumerate(cells, start=1):
            if value is not None and value != "":
                width = max(width, n)
    return width


def _rows(ws):
    """A worksheet's rows as the clerk sees them: each cell of a merged range shows the range's value (one date
    merged across two work points' rows is the date of both), and percentages as percentages. Only as wide as
    its header (see _width)."""
    width = _width(ws)
    if width == 0:
        return
    fills: dict[int, dict[int, tuple[int, int]]] = {}  # row → column → the cell holding the range's value
    filled = 0
    ranges, uncached = _marks(ws)
    for min_col, min_row, max_col, max_row in ranges:
        for row in range(min_row, min(max_row, MAX_ROWS) + 1):
            for col in range(min_col, max_col + 1):
                fills.setdefault(row, {})[col] = (min_row, min_col)
                filled += 1
                if filled > MAX_MERGED_CELLS:
                    raise ValueError("too many merged cells")
    anchors: dict[tuple[int, int], object] = {}
    for row_no, cells in enumerate(ws.iter_rows(max_col=width), start=1):
        values = [_shown(cell) for cell in cells]
        for col in uncached.pop(row_no, ()):
            if col <= len(values):
                values[col - 1] = UNCACHED
        for col, anchor in fills.pop(row_no, {}).items():
            if anchor == (row_no, col):
                anchors[anchor] = values[col - 1] if col <= len(values) else None
            elif col <= len(values):
                values[col - 1] = anchors.get(anchor)  # a range's first cell comes first, left of and above it
        yield values


def _marks(ws) -> tuple[list[tuple[int, int, int, int]], dict[int, set[int]]]:
    """What openpyxl's read-only mode does not give: the merged ranges (listed after the cells in the worksheet's
    XML), and the formula cells saved without their result (row → columns), which it reads as empty cells."""
    ranges, uncached = [], {}
    with ws._get_source() as src:  # the worksheet's XML, as read-only mode itself opens it
        for _event, element in iterparse(src):
            tag = element.tag
            if tag == MERGE_CELL:
                ranges.append(range_boundaries(element.get("ref")))
            elif tag == CELL and element.get("r") and element.find(FORMULA) is not None and not _result(element):
                row, col = coordinate_to_tuple(element.get("r"))
                uncached.setdefault(row, set()).add(col)
            if tag not in (FORMULA, RESULT):
                element.clear()  # the cells are read again by iter_rows (a cell's parts go with the cell)
    return ranges, uncached


def _result(cell) -> bool:
    """Whether a formula cell holds its result: a number needs one; a text result may be empty (t="str")."""
    value = cell.find(RESULT)
    return value is not None and (bool(value.text) or cell.get("t") == "str")


def _shown(cell):
    """A cell's value as the clerk sees it: Excel stores 96% as 0.96 in a cell formatted as a percentage.
    It is given as the text "96%", as Excel saves it to CSV, so that the figure's parser treats both alike
    (and can refuse a percentage where the target counts things). A date is given as the date it shows (see
    _day)."""
    value = cell.value
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    builtin = ZH_DATE_FORMATS.get(getattr(getattr(cell, "style_array", None), "numFmtId", None))
    if number and builtin:
        try:
            value = from_excel(value, cell.parent.parent.epoch)
        except (OverflowError, ValueError, TypeError):
            return value
        return _day(value, builtin)
    if isinstance(value, (datetime, date)):
        return _day(value, cell.number_format)
    if number and _is_percent(cell.number_format):
        # Excel shows at most 15 significant digits: 57.3% is 57.3 even if stored as 0.5730000000000001, and 7%
        # is exactly 7, not 7.000000000000001.
        return cell_text(float(Decimal(f"{value:.15g}").scaleb(2))) + "%"
    if isinstance(value, float):
        # The same for any figure: =25*0.28 is stored as 7.000000000000001, and shown and compared as 7.
        return float(f"{value:.15g}")
    return value


def _day(value, number_format: str | None):
    """A date cell that shows no day ("2023年6月", typed so) or no year ("6月30日": the spreadsheet program took
    the year of the day it was typed) is given as the text it shows, which no date is read from: the clerk chose
    neither the day nor the year the cell holds, and the portal must not publish one."""
    shown = SECTIONS_RE.sub("", LITERAL_RE.sub("", number_format or "")).lower()
    if "d" in shown and ("y" in shown or "e" in shown):
        return value
    return f"{value.year}年{value.month}月" if "d" not in shown else f"{value.month}月{value.day}日"


def _is_percent(number_format: str | None) -> bool:
    return "%" in LITERAL_RE.sub("", number_format or "")


def _decode(data: bytes) -> str | None:
    if b"\x00" in data[:4096]:
        return None
    # Excel on a Chinese Windows saves CSV as GB18030 unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv(data: bytes) -> Parsed:
    text = _decode(data)
    if text is None:
        return _refused()
    parsed = Parsed()
    try:
        # Row by row, as the .xlsx is read: _take stops at MAX_ROWS, so a file of line breaks is never held as
        # millions of rows at once.
        _take(parsed, csv.reader(io.StringIO(text, newline="")))  # one table a file: either is a whole upload
    except csv.Error:
        return _refused()
    return parsed if parsed.sheets else _refused()


def _columns(header) -> tuple[Sheet, dict[int, str]] | None:
    names = [cell_text(h).lower() for h in header or ()]
    for sheet in SHEETS.values():
        aliases = {}
        for col in sheet.columns:
            for name in (col.header, col.zh, col.en, col.key):
                aliases[name.lower()] = col.key
        found = {n: aliases[name] for n, name in enumerate(names) if name in aliases}
        if {"code", "new_status" if sheet.key == "items" else "new_stage"} <= set(found.values()):
            return sheet, found
    return None


def _stated_plan(row) -> str | None:
    """The plan named on a row above the header ("计划 / Plan", slug, title), as the CSV download writes it."""
    cells = [cell_text(c) for c in row or ()]
    if len(cells) >= 2 and cells[0].lower() in PLAN_LABELS:
        return cells[1] or None
    return None


def _take(parsed: Parsed, rows, tab: str | None = None) -> None:
    """Reads one table if one of its first rows is a sheet's header; other tables (the guide, the lists) are
    skipped. rows is an iterator: the table's rows follow its header."""
    for header_no, header in enumerate(itertools.islice(rows, HEADER_ROWS), start=1):
        match = _columns(header)
        if match is not None:
            break
        stated = _stated_plan(header)
        if stated and parsed.plan is None:
            parsed.plan = stated
    else:
        return
    sheet, found = match
    if sheet.key in parsed.sheets:
        # Merged, an old copy's figures would silently replace the new ones (or the other way round).
        parsed.problems.append(Problem(TWO_TABLES, params={"first": parsed.layout[sheet.key]["tab"], "second": tab,
                                                           "title": sheet.title}))
        return
    parsed.sheets.append(sheet.key)
    parsed.layout[sheet.key] = {"tab": tab, "letters": {key: get_column_letter(n + 1) for n, key in found.items()}}
    out = parsed.rows[sheet.key]
    for row_no, values in enumerate(rows, start=header_no + 1):
        if row_no > MAX_ROWS:
            parsed.problems.append(Problem(N_("A sheet can have at most %(n)s rows."), sheet.key, row_no,
                                           params={"n": MAX_ROWS}, tab=tab))
            return
        cells = {key: unquote(cell_text(values[n])) for n, key in found.items() if n < len(values)}
        for n, key in found.items():
            if n < len(values) and values[n] is UNCACHED:
                parsed.problems.append(Problem(NO_RESULT, sheet.key, row_no, key, tab=tab,
                                               letter=get_column_letter(n + 1)))
        if any(cells.values()):
            out.append({"row": row_no, "cells": cells})
