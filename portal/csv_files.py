"""CSV downloads for spreadsheets, written one way everywhere.

UTF-8 with a byte-order mark, because Excel on Chinese Windows otherwise reads the file as GBK and
shows mojibake; a cell that a spreadsheet would run as a formula gets a leading apostrophe (CSV
injection); rows are produced lazily, so a file of 100,000 comments streams in constant memory.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def encode_rows(header: list[str], rows: Iterable[Iterable], batch: int = 500) -> Iterator[bytes]:
    """The file as UTF-8 chunks of `batch` rows, the byte-order mark first."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    buf.write(BOM)
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([cell(v) for v in row])
        if n % batch == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def csv_response(header: list[str], rows: Iterable[Iterable], filename: str) -> Response:
    # Rows that need the database bring their own application context (see services/feedback_export.py).
    response = Response(encode_rows(header, rows), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
