"""CSV downloads for spreadsheets, written one way everywhere.

UTF-8 with a byte-order mark, because Excel on Chinese Windows otherwise reads the file as GBK and
shows mojibake; a cell that a spreadsheet would run as a formula gets a leading apostrophe (CSV
injection); rows are produced lazily, so a file of 100,000 comments streams in constant memory.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"


def cell(value, text: Callable[[object], str] = str) -> str:
    """One cell as `text` writes it. Only text is guarded: a number such as -3 stays a number."""
    if value is None:
        return ""
    out = text(value)
    return "'" + out if isinstance(value, str) and out.startswith(FORMULA_START) else out


def unquote(text: str) -> str:
    """The cell as it was before `cell` guarded it, for files that come back (the progress sheet)."""
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START else text


def encode_rows(header: list[str], rows: Iterable[Iterable], batch: int = 500,
                text: Callable[[object], str] = str) -> Iterator[bytes]:
    """The file as UTF-8 chunks of `batch` rows, the byte-order mark first."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    buf.write(BOM)
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([cell(v, text) for v in row])
        if n % batch == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def csv_bytes(header: list[str], rows: Iterable[Iterable], text: Callable[[object], str] = str) -> bytes:
    """The whole file at once, for a file that is also measured or stored (the progress sheet)."""
    return b"".join(encode_rows(header, rows, text=text))


def download(body, content_type: str, filename: str) -> Response:
    """Any file download: bytes or an iterator of chunks, saved under `filename`."""
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header: list[str], rows: Iterable[Iterable], filename: str) -> Response:
    """A streamed CSV download. Rows that need the database bring their own application context (see
    services/feedback_export.py)."""
    return download(encode_rows(header, rows), CSV_TYPE, filename)
