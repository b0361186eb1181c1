"""HEAD is GET without the body (RFC 9110, 9.3.2): link checkers and uptime monitors use it. Views that take
GET and POST branched on `request.method == "GET"`, so a HEAD ran their POST branch: the form, never
submitted, failed to validate and the page answered 400 where GET answers 200. Walked over every GET
page, public and staff (as an admin): HEAD answers what GET answers, with no body, and changes nothing."""
from __future__ import annotations

import pytest

from route_walk import db_snapshot, login_as, page_paths, seed


@pytest.fixture
def walked(app_factory, monkeypatch):
    app = app_factory(TRACKING_RATE_LIMIT="1000000 per minute")
    monkeypatch.setattr("portal.search.upkeep.update_items", lambda codes: None)
    return app, seed(app)


@pytest.mark.parametrize("role, prefix", [(None, None), ("admin", "/staff")])
def test_head_answers_as_get_does(walked, role, prefix):
    app, seeded = walked
    client = login_as(app, seeded, role)
    paths = page_paths(app, seeded.values, prefix=prefix)
    if role:  # the walker's slug names a place, not a plan: this page is reached by its plan's own
        paths.append("/staff/plans/2023-city-management/items/2.3/outcome")
    assert len(paths) >= 20
    got = {path: client.get(path).status_code for path in paths}
    before = db_snapshot(app)
    seen = _audit_ids(app)
    heads = {path: client.head(path) for path in paths}
    assert {path: (got[path], head.status_code) for path, head in heads.items()
            if head.status_code != got[path] or head.get_data()} == {}
    after = db_snapshot(app)
    # A download asked for by HEAD is recorded as the download it stands for (the export's audit entry is
    # written before its first byte): nothing else is written.
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    assert {action for id_, action in _audit_ids(app) - seen} <= {"feedback.export", "sheet.download"}


def _audit_ids(app) -> set:
    from portal.extensions import db
    from portal.models import AuditLog

    with app.app_context():
        return set(db.session.query(AuditLog.id, AuditLog.action).all())
