"""Excel workbooks for staff downloads, written one way everywhere (the progress sheet, the comments).

A text cell is stored as text, never as a number or a formula: Excel reads a CSV cell such as 13812345678
as the number 1.38E+10, an 18-digit ID number loses its last digits, and 2.10 becomes 2.1. In an .xlsx
the cell's type is written down, so Excel shows it as it is; a text starting with = + - @ is text too
(formula injection), and nothing is added to the value (no apostrophe), so what is read is what was stored.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def keep_text(cell) -> None:
    """A cell holding a str stays text: openpyxl would store one starting with "=" as a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"


def text_cell(ws, value):
    """A cell for a write-only sheet: text typed as text (format "@", so an edit keeps it text), other
    values (counts) as they are. Control characters, which a worksheet cannot hold, are dropped."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        keep_text(cell)
        cell.number_format = "@"
        return cell
    return WriteOnlyCell(ws, value=value)


def table_file(title: str, header: list[str], rows: Iterable[Iterable], widths: Iterable[int] = ()) -> IO[bytes]:
    """One sheet: a bold header row, then the rows, in an anonymous temporary file (gone once closed),
    rewound for sending. openpyxl's write-only mode keeps the rows on disk until it saves; the saved
    workbook goes to disk too, not to a bytes object as large as the file (bench/feedback_export.py)."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        _write_table(out, title, header, rows, widths)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _write_table(out: IO[bytes], title: str, header: list[str], rows: Iterable[Iterable], widths: Iterable[int]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for n, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(n + 1)].width = width
    ws.freeze_panes = "A2"
    bold = []
    for name in header:
        cell = text_cell(ws, name)
        cell.font = Font(bold=True)
        bold.append(cell)
    ws.append(bold)
    for row in rows:
        ws.append([text_cell(ws, value) for value in row])
    wb.save(out)
