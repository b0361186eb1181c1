"""Writing the progress sheet: an .xlsx for spreadsheet programs and two CSV files for other tools."""
from __future__ import annotations

import io
import itertools

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from ...rules.progress import is_percentage
from ..content import content
from ..sites import notice_date
from ..units import counts_things
from . import guide
from .columns import ITEMS, NEW_SITE_KEYS, SITES, Sheet
from .read import PLAN_NAME
from ... import csv_files
from ...xlsx_files import keep_text
from .rows import cell_text, item_rows, site_row
from .state import ItemState, load, stage_label, status_label
from ..sites import STAGES
from ..status import STATUSES

NEW_SITE_ROWS = 30
LISTS = "选项"
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
OPEN = Protection(locked=False)
# A percentage target's new value is shown as one, so that typing 96 or 96% both mean 96 (Excel stores 0.96 and
# the reader gives a percent-formatted number as the text shown, "96%", as a CSV file has it).
PERCENT_FORMAT = "0.0#%"


def selected(office: str | None) -> list[ItemState]:
    states = load()
    return [s for s in states.values() if not office or office in {o.slug for o in s.item.offices}]


def xlsx(office: str | None = None) -> bytes:
    states = selected(office)
    wb = Workbook()
    _guide(wb.active)
    lists = _lists(wb)
    items_ws, sites_ws = wb.create_sheet(ITEMS.title), wb.create_sheet(SITES.title)
    _items(items_ws, states, lists)
    _sites(sites_ws, [site for s in states for site in s.sites], lists)
    # Which plan the file is for (codes repeat across plans): a defined name, which Excel and WPS keep on saving.
    wb.defined_names[PLAN_NAME] = DefinedName(PLAN_NAME, attr_text=f'"{content().plan.slug}"')
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _guide(ws) -> None:
    ws.title = guide.TITLE
    ws.column_dimensions["A"].width = 110
    for n, line in enumerate(guide.lines(content().plan.title, notice_date(), current_app.config["SHEET_MAX_BYTES"]), start=1):
        cell = ws.cell(row=n, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14)


def _lists(wb) -> dict[str, str]:
    """A hidden sheet with the choices, so drop-downs are not limited to 255 characters."""
    ws = wb.create_sheet(LISTS)
    ws.sheet_state = "hidden"
    columns = {"status": [status_label(c) for c in STATUSES], "stage": [stage_label(c) for c in STAGES],
               "place": [p.name.zh for p in content().places]}
    refs = {}
    for n, (key, values) in enumerate(columns.items(), start=1):
        letter = chr(ord("A") + n - 1)
        for row, value in enumerate(values, start=1):
            ws.cell(row=row, column=n, value=value)
        refs[key] = f"'{LISTS}'!${letter}$1:${letter}${len(values)}"
    return refs


def _header(ws, sheet: Sheet) -> None:
    for n, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=n, value=col.header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = col.width
    ws.row_dimensions[1].height = 32
    ws.auto_filter.ref = f"A1:{sheet.letter(sheet.columns[-1].key)}1"
    # Protected sheet: locked cells cannot be typed over, yet columns can be resized and rows filtered.
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = ws.protection.autoFilter = False


def _write(ws, sheet: Sheet, row_no: int, values: dict, open_keys: set[str]) -> None:
    for n, col in enumerate(sheet.columns, start=1):
        value = values.get(col.key)
        value = cell_text(value) if isinstance(value, str) else value
        cell = ws.cell(row=row_no, column=n, value=value)
        keep_text(cell)  # text that looks like a formula stays text (staff-written names)
        if col.kind == "day":
            cell.number_format = "yyyy-mm-dd"
        elif col.key == "code":
            # Text: typed into a General cell, 2.10 becomes the number 2.1, another work point.
            cell.number_format = "@"
        if col.key in open_keys:
            cell.protection = OPEN
        else:
            cell.fill = LOCKED_FILL


def _validations(ws, specs: list[DataValidation]) -> None:
    for dv in specs:
        dv.showErrorMessage = True
        ws.add_data_validation(dv)


def _date_rule() -> DataValidation:
    issued = notice_date()
    return DataValidation(type="date", operator="greaterThanOrEqual",
                          formula1=f"DATE({issued.year},{issued.month},{issued.day})",
                          error=f"日期不能早于{issued.year}年{issued.month}月{issued.day}日。", allow_blank=True)


def _items(ws, states: list[ItemState], lists: dict[str, str]) -> None:
    _header(ws, ITEMS)
    ws.freeze_panes = "C2"
    editable = {c.key for c in ITEMS.columns if not c.locked}
    status = DataValidation(type="list", formula1=lists["status"], allow_blank=True, error="请从列表中选择状态。")
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           error="这一指标按个数计，请填写不小于0的整数。")
    decimal = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                             error="请填写不小于0的数。")
    day = _date_rule()
    row_no = 1
    for state in states:
        derived, targets = state.derived(), {t.key: t for t in state.item.targets}
        for values in item_rows(state):
            row_no += 1
            key = values["target"]
            open_keys = editable - ({"new_value"} if not key or key in derived else set())
            _write(ws, ITEMS, row_no, values, open_keys)
            if "new_value" in open_keys:
                cell = f"{ITEMS.letter('new_value')}{row_no}"
                (whole if counts_things(targets[key].unit.zh) else decimal).add(cell)
                if is_percentage(targets[key]):
                    ws[cell].number_format = PERCENT_FORMAT
    if row_no > 1:
        status.add(f"{ITEMS.letter('new_status')}2:{ITEMS.letter('new_status')}{row_no}")
        day.add(f"{ITEMS.letter('happened_on')}2:{ITEMS.letter('happened_on')}{row_no}")
    _validations(ws, [status, whole, decimal, day])


def _sites(ws, sites, lists: dict[str, str]) -> None:
    _header(ws, SITES)
    ws.freeze_panes = "F2"
    editable = {c.key for c in SITES.columns if not c.locked}
    for row_no, site in enumerate(sites, start=2):
        _write(ws, SITES, row_no, site_row(site), editable)
    first_new, last = len(sites) + 2, len(sites) + 1 + NEW_SITE_ROWS
    for row_no in range(first_new, last + 1):
        _write(ws, SITES, row_no, {}, editable | set(NEW_SITE_KEYS))
    stage = DataValidation(type="list", formula1=lists["stage"], allow_blank=True, error="请从列表中选择阶段。")
    stage.add(f"{SITES.letter('new_stage')}2:{SITES.letter('new_stage')}{last}")
    place = DataValidation(type="list", formula1=lists["place"], allow_blank=True, error="请从列表中选择地点。")
    place.add(f"{SITES.letter('place')}{first_new}:{SITES.letter('place')}{last}")
    day = _date_rule()
    day.add(f"{SITES.letter('happened_on')}2:{SITES.letter('happened_on')}{last}")
    _validations(ws, [stage, place, day])


def csv_bytes(part: str, office: str | None = None) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese correctly; one file per sheet."""
    states = selected(office)
    sheet = ITEMS if part == "items" else SITES
    rows = ([r for s in states for r in item_rows(s)] if sheet is ITEMS
            else [site_row(site) for s in states for site in s.sites])
    # The first row says which plan the file is for (codes repeat across plans); the header follows it.
    plan = content().plan
    return csv_files.csv_bytes(["计划 / Plan", plan.slug, f"{plan.number} {plan.title}"],
                               itertools.chain([[c.header for c in sheet.columns]],
                                               ([row.get(c.key) for c in sheet.columns] for row in rows)),
                               text=cell_text)
