"""The comments CSV streams: rows are produced while the file is sent, not gathered first."""
from __future__ import annotations

import csv
import io

from scale_support import grow


def test_feedback_csv_streams_every_row_once_with_the_bom(app, staff_client):
    grow(app, comments=1200, pending=300)
    client = staff_client("moderator")
    response = client.get("/staff/feedback.csv", buffered=False)
    assert response.status_code == 200
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > 2  # 1,500 rows in batches of 500 after the header: sent in pieces
    body = b"".join(chunks).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body[1:])))
    assert len(table) == 1 + 1500
    assert len({r[0] for r in table[1:]}) == 1500
