"""A reported figure reads the same on the work point's page, in /api/v1 and in the CSV file: every digit
kept, never an exponent (`%g` wrote 123456.7 as 123457 and 1,000,000 as 1e+06)."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from conftest import text_of

PAGE = "/{lang}/plans/2023-city-management/items/2.2"
TARGET = "renovated_area"  # 110,000 m² (content/plans/2023-city-management/items/2.2.yaml)


@pytest.mark.parametrize("value, plain, grouped", [
    (123456.7, "123456.7", "123,456.7"),
    (1000000, "1000000", "1,000,000"),
    (52345.25, "52345.25", "52,345.25"),
    (35, "35", "35"),
])
def test_a_figure_reads_the_same_on_the_page_in_the_api_and_in_the_csv(app, client, value, plain, grouped):
    from portal.services.progress import record_update

    with app.app_context():
        record_update("2.2", "in_progress", "已改造一部分。", None, date(2023, 9, 1), {TARGET: value})
    api = client.get("/api/v1/items/2.2").get_json()
    (target,) = [t for t in api["targets"] if t["key"] == TARGET]
    assert target["progress"] == value and target["value"] == 110000
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/items.csv").data.decode("utf-8-sig"))))
    (row,) = [r for r in rows if r["code"] == "2.2"]
    assert row["progress"] == f"{TARGET}={plain}/110000"
    assert f"Reported: {grouped} of 110,000" in text_of(client.get(PAGE.format(lang="en")).data)


def test_the_number_helpers_never_round_or_write_an_exponent():
    from portal.numbers import grouped, plain

    assert [plain(v) for v in (0.00001, 1e16, 2.5, 7.0, 110000)] == ["0.00001", "10000000000000000", "2.5", "7", "110000"]
    assert [grouped(v) for v in (1234567.25, 999, 0.5)] == ["1,234,567.25", "999", "0.5"]


def test_the_history_line_and_a_correction_form_keep_every_digit(app, client, staff_client):
    from portal.services.progress import record_update

    with app.app_context():
        entry_id = record_update("2.2", "in_progress", "已改造一部分。", None, date(2023, 9, 1), {TARGET: 123456.7}).id
    assert "Old housing renovated: 123,456.7 / 110,000 m²" in text_of(client.get(PAGE.format(lang="en")).data)
    form = staff_client("editor").get(f"/staff/items/2.2?correct={entry_id}").get_data(as_text=True)
    assert f'name="progress_{TARGET}"' in form and 'value="123456.7"' in form  # sent again, it stays 123456.7


def test_a_whole_figure_is_written_whole_in_the_json(app, client):
    """schemas.Number promised 35, not 35.0, "as the notice writes it"; targets and reports are stored as
    floats and the JSON said 35.0, 110000.0 (a client decoding into an integer type refuses those)."""
    import re

    from portal.services.progress import record_update

    with app.app_context():
        record_update("2.2", "in_progress", "已改造一部分。", None, date(2023, 9, 1), {TARGET: 50000.0})
    text = client.get("/api/v1/items/2.2").get_data(as_text=True)
    assert re.findall(r'"(?:value|progress)":(-?[0-9.]+)', text) == ["50000", "110000", "50000"]
    assert '"value":35,' in client.get("/api/v1/items").get_data(as_text=True).replace(" ", "")
    with app.app_context():
        record_update("2.2", "in_progress", "更正。", None, date(2023, 9, 2), {TARGET: 52345.25})
    assert '"progress":52345.25' in client.get("/api/v1/items/2.2").get_data(as_text=True)
