"""The hot queries use indexes: captured from real page requests, explained on a large table.

On PostgreSQL (the suite's second run) the tables get 100,000 comments, 20,000 history entries and
10,000 project sites, then ANALYZE, so the planner chooses as it would in production; on SQLite the
plan is read with EXPLAIN QUERY PLAN. A full scan of comments, history or sites fails the test.
"""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import event, text

from scale_support import grow

BIG_TABLES = ("feedback", "status_update", "target_progress", "project_site", "site_stage_update")
# Counting a whole state or the whole table reads every matching row whatever the plan (PostgreSQL
# rightly prefers a sequential scan to an index when half the table matches); their cost at 100x is
# measured by `python -m bench scale` instead.
WHOLE_SET_COUNTS = [
    re.compile(r"^SELECT feedback\.state, count\(\*\)"),  # moderation chips: comments per state
    re.compile(r"^SELECT project_site\.place_slug, count\(\*\)"),  # places index: projects per place
    re.compile(r"^SELECT count\(\*\) AS count_1 \nFROM \(SELECT feedback\."),  # a moderation view's total
]
SELECTIVE = re.compile(r"feedback\.(item_code|site_id) (=|IN)")


def whole_set_count(statement: str) -> bool:
    return any(p.search(statement) for p in WHOLE_SET_COUNTS) and not SELECTIVE.search(statement)


PAGES = ["/zh/plans/2023-city-management/items/2.3", "/zh/plans/2023-city-management/items/2.3?comments=3", "/en/plans/2023-city-management/items/2.3/history", "/zh/plans/2023-city-management/progress", "/zh/",
         "/plans/2023-city-management/feed.atom", "/zh/plans/2023-city-management/places/", "/api/v1/items/2.3"]
STAFF_PAGES = ["/staff/", "/staff/moderation", "/staff/moderation?view=published&page=2",
               "/staff/moderation?view=all", "/staff/moderation?office={office}"]


def _fill_postgres(app) -> None:
    from portal.extensions import db

    with app.app_context():
        codes = [c for (c,) in db.session.execute(text("SELECT code FROM work_item WHERE plan = '2023-city-management' ORDER BY code"))]
        n = len(codes)
        db.session.execute(text(f"""
            INSERT INTO feedback (tracking_code, plan, item_code, kind, body, body_public, lang, state, show_full_name,
                                  flag_count, created_at)
            SELECT 'ZJ-PLAN' || g, '2023-city-management', (ARRAY[{",".join(f"'{c}'" for c in codes)}])[1 + g % {n}], 'question',
                   repeat('意见', 40), repeat('意见', 40), 'zh',
                   (ARRAY['published','published','published','pending','rejected','hidden'])[1 + g % 6], false,
                   CASE WHEN g % 97 = 0 THEN 1 ELSE 0 END, now() - (g || ' minutes')::interval
            FROM generate_series(1, 100000) AS g"""))
        db.session.execute(text(f"""
            INSERT INTO status_update (plan, item_code, status, note_zh, happened_on, created_at)
            SELECT '2023-city-management', (ARRAY[{",".join(f"'{c}'" for c in codes)}])[1 + g % {n}], 'in_progress', repeat('进展', 30),
                   date '2023-07-01' + (g % 700), now() - (g || ' hours')::interval
            FROM generate_series(1, 20000) AS g"""))
        db.session.execute(text(f"""
            INSERT INTO project_site (plan, item_code, name_zh, stage, created_at)
            SELECT '2023-city-management', (ARRAY[{",".join(f"'{c}'" for c in codes)}])[1 + g % {n}], '测试小区' || g || '号楼',
                   (ARRAY['consultation','construction','completed'])[1 + g % 3], now()
            FROM generate_series(1, 10000) AS g"""))
        db.session.execute(text("""
            INSERT INTO site_stage_update (site_id, stage, happened_on, created_at)
            SELECT id, stage, date '2023-08-01', now() - (id || ' minutes')::interval FROM project_site"""))
        db.session.execute(text("""
            INSERT INTO target_progress (update_id, target_key, value) SELECT id, 'k', id % 20 FROM status_update"""))
        db.session.commit()
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _capture(app, client, paths: list[str]) -> list[tuple[str, object]]:
    from portal.extensions import db

    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if any(re.search(rf"\b{t}\b", statement) for t in BIG_TABLES) and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _full_scans(app, statement: str, parameters) -> list[str]:
    from portal.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
            found = [t for t in BIG_TABLES if re.search(rf"Seq Scan on {t}\b", plan)]
            return found + ([plan] if found else [])
        plan = "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
        found = [t for t in BIG_TABLES if re.search(rf"\bSCAN {t}\b(?! USING)", plan)]
        return found + ([plan] if found else [])


def test_hot_queries_use_indexes(app, staff_client):
    if os.environ.get("PORTAL_TEST_DATABASE_URL"):
        _fill_postgres(app)
    else:
        grow(app, comments=300, pending=300, updates=50, sites=50)
    from portal.services.content import content

    with app.app_context():
        office = content().offices[0].slug
    statements = _capture(app, app.test_client(), PAGES)
    statements += _capture(app, staff_client("admin"), [p.format(office=office) for p in STAFF_PAGES])
    assert len(statements) >= 10  # the pages really read these tables
    bad = {}
    for statement, parameters in statements:
        if whole_set_count(statement):
            continue
        scans = _full_scans(app, statement, parameters)
        if scans:
            bad[statement[:1500]] = scans
    assert not bad, "full scans:\n" + "\n\n".join(f"{k}\n{v}" for k, v in bad.items())
