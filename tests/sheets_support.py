"""Helpers for the progress-sheet tests: download through the routes, edit with openpyxl or as CSV, upload."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from conftest import csrf_from


def download(client, fmt: str = "xlsx", office: str = "") -> bytes:
    r = client.get(f"/staff/progress-sheets/download?format={fmt}&office={office}")
    assert r.status_code == 200, r.status_code
    return r.data


def upload(client, data: bytes, name: str = "sheet.xlsx"):
    """Uploads and follows to the preview; returns the preview response."""
    token = csrf_from(client.get("/staff/progress-sheets").data)
    r = client.post("/staff/progress-sheets/upload", data={"csrf_token": token, "sheet": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")
    if r.status_code != 302:
        return r
    return client.get(r.headers["Location"])


def publish(client, preview):
    html = preview.data.decode()
    m = re.search(r'action="(/staff/progress-sheets/[^"]+/publish)"', html)
    assert m, "no publish button on the preview"
    return client.post(m.group(1), data={"csrf_token": csrf_from(html)})


def header_index(ws) -> dict[str, int]:
    """Column number (1-based) of each column key, read from the header's English part."""
    from portal.services.sheets.columns import SHEETS

    sheet = next(s for s in SHEETS.values() if s.title == ws.title)
    return {c.key: n for n, c in enumerate(sheet.columns, start=1)}


def edit_xlsx(data: bytes, edits: list[tuple[str, int, str, object]]) -> bytes:
    """edits: (sheet title, row, column key, value) as a person would type them in a spreadsheet program."""
    wb = load_workbook(io.BytesIO(data))
    for title, row, key, value in edits:
        ws = wb[title]
        ws.cell(row=row, column=header_index(ws)[key], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of(data: bytes, title: str, code: str, target: str = "", key: str = "code") -> int:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    ws = wb[title]
    cols = header_index(ws)
    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if str(row[cols[key] - 1]) == code and (not target or row[cols["target"] - 1] == target):
            return n
    raise AssertionError(f"{code} {target} not in {title}")


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def csv_header(rows: list[list[str]]) -> list[str]:
    """The header row of a downloaded CSV file (below the row saying which plan the file is for)."""
    return next(r for r in rows if r[:1] and " / " in r[0] and r[:1] != ["计划 / Plan"])


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def format_xlsx(data: bytes, formats: list[tuple[str, int, str, str]]) -> bytes:
    """formats: (sheet title, row, column key, number format), as a spreadsheet program sets them."""
    wb = load_workbook(io.BytesIO(data))
    for title, row, key, number_format in formats:
        ws = wb[title]
        ws.cell(row=row, column=header_index(ws)[key]).number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
