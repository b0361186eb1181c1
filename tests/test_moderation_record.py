"""The public moderation record: its numbers match comments made here with known times and decisions,
each figure is one grouped query, and no text, name or contact from a comment appears."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from conftest import text_of

# (received at, UTC) -> what happened, hours after it was received
COMMENTS = [
    # March 2024 (Shanghai): 5 received
    (datetime(2024, 3, 1, 2), "published", 1, None, "reply"),
    (datetime(2024, 3, 5, 2), "published", 3, None, None),
    (datetime(2024, 3, 9, 2), "rejected", 5, "personal_data", None),
    (datetime(2024, 3, 20, 2), "hidden", 10, "abusive", None),
    (datetime(2024, 3, 31, 17), "pending", None, None, None),  # 1 April 01:00 in Shanghai
    # February 2024: 2 received
    (datetime(2024, 2, 10), "rejected", 2, None, None),  # decided before reasons were recorded
    (datetime(2024, 2, 11), "published", 6, None, "reply"),
]


def _make(app, rows):
    from portal.extensions import db
    from portal.config import FIRST_PLAN
    from portal.models import Feedback

    with app.app_context():
        for n, (at, state, hours, reason, reply) in enumerate(rows):
            db.session.add(Feedback(
                tracking_code=f"ZJ-T{n:05d}", plan=FIRST_PLAN, item_code="2.3", kind="question", body=f"王建国 13812345678 comment {n}",
                body_public="…", display_name="王建国", contact="wang@example.org", lang="zh", state=state,
                reject_reason="写了别人的电话号码" if reason else None, reason_code=reason, created_at=at,
                moderated_at=at + timedelta(hours=hours) if hours is not None else None,
                reply_body="已转交。" if reply else None))
        db.session.commit()


def test_numbers_match_the_data(app):
    _make(app, COMMENTS)
    from portal.services.moderation_record import record

    with app.app_context():
        months = {m.month: m for m in record()}
    assert list(months) == ["2024-04", "2024-03", "2024-02"]
    march, feb = months["2024-03"], months["2024-02"]
    assert (march.received, march.published, march.pending, march.replies) == (4, 2, 0, 1)
    assert march.rejected == {"personal_data": 1} and march.hidden == {"abusive": 1}
    assert march.median_seconds == pytest.approx(4 * 3600)  # decisions after 1, 3, 5, 10 hours
    assert (feb.received, feb.published, feb.rejected, feb.replies) == (2, 1, {"": 1}, 1)
    assert feb.median_seconds == pytest.approx(4 * 3600)  # 2 and 6 hours
    april = months["2024-04"]
    assert (april.received, april.pending, april.median_seconds) == (1, 1, None)


def test_page_shows_counts_and_nothing_personal(app, client):
    _make(app, COMMENTS)
    for lang in ("zh", "en"):
        page = text_of(client.get(f"/{lang}/moderation").data)
        for secret in ("王建国", "13812345678", "wang@example.org", "写了别人的电话号码", "ZJ-T0"):
            assert secret not in page
    page = text_of(client.get("/en/moderation").data)
    assert "March 2024" in page and "Contains personal details 1 0" in page and "Abusive or insulting 0 1" in page
    assert "Reason not classified 1 0" in page and "4.0 hours" in page
    assert "个人信息" in text_of(client.get("/zh/moderation").data)


def test_one_query_per_figure_whatever_the_number_of_comments(app_factory):
    counts = []
    for size in (1, 40):
        app = app_factory()
        _make(app, (COMMENTS * size)[: len(COMMENTS) * size])
        seen = []
        with app.app_context():
            from portal.extensions import db
            from portal.services.moderation_record import record

            event.listen(db.engine, "before_cursor_execute", lambda *a, **k: seen.append(a[2]))
            record()
        counts.append(len(seen))
    assert counts[0] == counts[1] == 4


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=24 * 30), min_size=1, max_size=15))
def test_median_matches_python(app, hours):
    """The SQL median (a window query) agrees with statistics.median for any set of decision times."""
    import statistics

    from portal.extensions import db
    from portal.models import Feedback
    from portal.services.moderation_record import record

    with app.app_context():
        db.session.query(Feedback).delete()
        db.session.commit()
    _make(app, [(datetime(2024, 5, 10, 4, 0, n), "published", h, None, None) for n, h in enumerate(hours)])
    with app.app_context():
        (may,) = record()
    assert may.median_seconds == pytest.approx(statistics.median(hours) * 3600, abs=1)
