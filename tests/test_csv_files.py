"""The one CSV writer every download uses (items.csv, the comment export, the progress sheet)."""
from __future__ import annotations

from datetime import date

from portal.csv_files import BOM, cell, csv_bytes, encode_rows, unquote


def test_text_a_spreadsheet_would_run_is_marked_and_the_mark_comes_off_again():
    for text in ("=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert cell(text) == "'" + text and unquote(cell(text)) == text
    assert unquote("'正常") == "'正常"  # an apostrophe the author typed stays


def test_numbers_stay_numbers():
    assert [cell(v) for v in (-3, 2.5, 0, None)] == ["-3", "2.5", "0", ""]
    assert cell(date(2023, 6, 21), text=date.isoformat) == "2023-06-21"


def test_whole_file_and_streamed_file_are_the_same_bytes():
    rows = [["1.1", "=x", -1], ["2.3", "加装电梯", 2]]
    whole = csv_bytes(["code", "note", "n"], rows)
    assert whole == b"".join(encode_rows(["code", "note", "n"], iter(rows), batch=1))
    assert whole.decode("utf-8") == BOM + "code,note,n\r\n1.1,'=x,-1\r\n2.3,加装电梯,2\r\n"
