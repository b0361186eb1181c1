"""No page runs a query per listed item: SQL statements per page stay constant as the data grows.

Statements are counted with a SQLAlchemy engine event while the test client renders every public
page in both languages (every sample of each parameterised page: listings of 1 item and of 16).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from unittest import mock

from sqlalchemy import event

from portal.services import data_version
from public_pages import public_pages, seed


@contextmanager
def counted_statements(engine):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("PRAGMA"):
            statements.append(statement)

    real_read = data_version.current

    def data_version_read():
        statements.append(data_version.TOKEN_SQL)  # read on a raw pooled connection: no SQLAlchemy event
        return real_read()

    event.listen(engine, "before_cursor_execute", before)
    try:
        with mock.patch.object(data_version, "current", data_version_read):
            yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statements_per_page(app, client, pages) -> dict[str, int]:
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    counts = {}
    for p in pages:
        with counted_statements(engine) as statements:
            assert client.get(p.path).status_code == p.status, p.path
        counts[p.path] = len(statements)
    return counts


def add_more_of_everything(app, item_codes: list[str], tag: str) -> None:
    """Status updates, project sites and published comments with replies on several items."""
    from portal.services import feedback
    from portal.services.auth import create_staff
    from portal.services.content import content

    with app.app_context():
        staff = create_staff(f"more-data-{tag}", "correct horse battery staple", "admin")
        for n, code in enumerate(item_codes):
            item = content().item(code)
            try:
                from portal.services.progress import record_update

                for day in (1, 2, 3):
                    # Whole numbers: most targets count things (lifts, estates), which takes no fractions.
                    progress = {t.key: round(t.value * day / 4) for t in item.targets}
                    record_update(code, "in_progress", f"第{day}次进展{tag}。", f"Update {day}{tag}.", date(2023, 9, day),
                                  progress=progress, actor=staff)
            except ImportError:
                pass
            try:
                from portal.services.sites import add_site

                for s in (1, 2):
                    add_site(code, None, f"测试地点{tag}{n}-{s}", f"Test site {tag}{n}-{s}", None, None, "consultation",
                             staff)
            except ImportError:
                pass
            for c in range(3):
                sent = feedback.submit(code, body=f"第{c}条留言{tag}，关于{code}。", kind="question",
                                       ip=f"198.51.100.{n * 10 + c}{tag}", lang="zh").feedback
                feedback.approve(sent, staff, reply=f"答复{c}。")


def test_statements_per_page_do_not_grow_with_the_data(app, client):
    # The several-nodes index check (every SEARCH_REFRESH_SECONDS) must not land inside one measured
    # request on a slow machine: this node re-indexes through signals anyway.
    app.config["SEARCH_REFRESH_SECONDS"] = 3600
    seeded = seed(app)
    pages = public_pages(app, seeded, every_sample=True)
    with app.app_context():
        from portal.services.content import content

        codes = [i.code for i in content().items[:6]] + [seeded["item_code"]]
    # Some data everywhere first: a related list that is empty skips its eager-load query.
    add_more_of_everything(app, codes, "1")
    statements_per_page(app, client, pages)  # warm-up: first-request work is not per item
    before = statements_per_page(app, client, pages)
    add_more_of_everything(app, codes, "2")
    statements_per_page(app, client, pages)  # the first search after a change re-checks the index once
    after = statements_per_page(app, client, pages)

    print("statements per page:", sorted(set(after.values())), "max", max(after, key=after.get))
    grew = {path: (before[path], after[path]) for path in before if after[path] != before[path]}
    assert not grew, f"statements per page grew with the data (before, after): {grew}"
    assert max(after.values()) <= 15, sorted(after.items(), key=lambda kv: -kv[1])[:5]


def test_same_statement_count_for_every_sample_of_a_page(app, client):
    """An office with 9 work points costs the same queries as one with 1; so do months, places, items."""
    seeded = seed(app)
    pages = public_pages(app, seeded, every_sample=True, variants=False)
    add_more_of_everything(app, sorted({p.path.rsplit("/", 1)[-1] for p in pages if p.endpoint == "public.item"}), "1")
    statements_per_page(app, client, pages)
    counts = statements_per_page(app, client, pages)
    by_endpoint: dict[tuple[str, str], set[int]] = {}
    for p in pages:
        by_endpoint.setdefault((p.endpoint, p.lang), set()).add(counts[p.path])
    varied = {key: sorted(values) for key, values in by_endpoint.items() if len(values) > 1}
    assert not varied, f"statement counts differ between samples of the same page: {varied}"
