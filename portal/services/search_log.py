"""What residents searched for, so staff can improve aliases and content (issue 18.5).

Only the query text (a phone number, ID number or e-mail address in it masked), its language and
counts per week are kept: no address, no cookie, no time of day. Counts are gathered in memory per
worker and written at most every SEARCH_LOG_FLUSH_SECONDS or MAX_PENDING queries (and when the report
is read, and at exit), so a search costs no database write; a worker that dies loses at most that many
seconds of counts. The timed and early writes run on a thread of their own: writing 500 rows took
14-22 ms of CPU, which the search that happened to fill the buffer used to pay before its answer left.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import SearchQueryWeek
from .clock import today
from .masking import mask_personal_data

KEEP_DAYS = 90
COUNTS = ("searches", "nothing_found", "near_only", "clicks")
MAX_PENDING = 500  # distinct (week, lang, query) keys held before an early write

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    counts: dict[tuple[date, str, str], list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    flushed_at: float = field(default_factory=time.monotonic)
    writer: threading.Thread | None = None  # the write under way, if any


def init_app(app: Flask) -> None:
    app.extensions["search_log"] = _Pending()

    def _flush_at_exit():
        writer = app.extensions["search_log"].writer
        if writer is not None:
            writer.join(10)  # a daemon thread: the interpreter would stop it mid-write
        with app.app_context():
            flush()

    atexit.register(_flush_at_exit)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def words_of(raw: str | None, searched: str) -> str:
    """What a search is counted under: the words as searched, unless the resident typed a phone number, ID
    number or e-mail address (their own, looking for their comment): then what they typed with it masked,
    as on a published comment. Masking reads the text as typed: the search's own clean-up turns an
    address's @ into a space, after which it is no longer recognised."""
    masked = mask_personal_data(raw or "")
    return searched if masked == (raw or "") else " ".join(masked.split())


def _add(query: str, lang: str, **counts: int) -> None:
    # Every staff role reads the report, for 90 days: no resident's number or address is kept in it.
    query = mask_personal_data((query or "").strip())[:200]
    if not query:
        return
    app = current_app._get_current_object()  # proxies read once: docs/architecture.md
    pending: _Pending = app.extensions["search_log"]
    key = (week_of(today(app)), lang, query)
    with pending.lock:
        row = pending.counts.setdefault(key, [0, 0, 0, 0])
        for i, name in enumerate(COUNTS):
            row[i] += counts.get(name, 0)
        due = (len(pending.counts) >= MAX_PENDING or time.monotonic() - pending.flushed_at
               >= float(app.config.get("SEARCH_LOG_FLUSH_SECONDS", 30)))
    if due:
        _flush_in_background(pending)


def _flush_in_background(pending: _Pending) -> None:
    """flush() on a new thread, unless one is still writing (the counts wait for the next search)."""
    app = current_app._get_current_object()

    def write() -> None:
        with app.app_context():
            flush()

    with pending.lock:
        if pending.writer is not None and pending.writer.is_alive():
            return
        pending.writer = threading.Thread(target=write, name="search-log-write", daemon=True)
        pending.writer.start()


def record_search(query: str, lang: str, hits: int, near: bool) -> None:
    _add(query, lang, searches=1, nothing_found=int(hits == 0), near_only=int(hits > 0 and near))


def record_click(query: str, lang: str) -> None:
    _add(query, lang, clicks=1)


def flush() -> None:
    """Add the counts gathered in this worker to the table (one row per week, language and query)."""
    pending: _Pending = current_app.extensions["search_log"]
    with pending.lock:
        counts, pending.counts = pending.counts, {}
        pending.flushed_at = time.monotonic()
    if not counts:
        return
    rows = [{"week": week, "lang": lang, "query": query, **dict(zip(COUNTS, values))}
            for (week, lang, query), values in counts.items()]
    try:
        db.session.execute(_upsert_statement(), rows)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("search log: %d counts could not be written", len(counts), exc_info=True)


def _upsert_statement():
    """One INSERT … ON CONFLICT DO UPDATE for all the gathered rows (SQLite and PostgreSQL both have it):
    a row per query with an UPDATE, then an INSERT in a savepoint, cost 1–2 ms each, so a worker
    flushing 500 new queries stalled the search that triggered it for most of a second."""
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[db.engine.dialect.name]
    stmt = insert(SearchQueryWeek)
    return stmt.on_conflict_do_update(
        index_elements=["week", "lang", "query"],
        set_={name: getattr(SearchQueryWeek, name) + getattr(stmt.excluded, name) for name in COUNTS})


@dataclass
class WeekReport:
    week: date
    rows: list[SearchQueryWeek]


def report(limit_per_week: int = 50) -> list[WeekReport]:
    """Per week, newest first: queries that found nothing, only near matches, or were never clicked."""
    flush()
    since = today() - timedelta(days=KEEP_DAYS)
    rows = db.session.scalars(
        select(SearchQueryWeek)
        .where(SearchQueryWeek.week >= since)
        .where((SearchQueryWeek.nothing_found > 0) | (SearchQueryWeek.near_only > 0) | (SearchQueryWeek.clicks == 0))
        .order_by(SearchQueryWeek.week.desc(), SearchQueryWeek.searches.desc(), SearchQueryWeek.query)
    )
    weeks: list[WeekReport] = []
    for row in rows:
        if not weeks or weeks[-1].week != row.week:
            weeks.append(WeekReport(row.week, []))
        if len(weeks[-1].rows) < limit_per_week:
            weeks[-1].rows.append(row)
    return weeks


def purge(keep_days: int = KEEP_DAYS) -> int:
    """Delete the weeks that began more than `keep_days` ago; returns the rows deleted."""
    flush()
    cutoff = today() - timedelta(days=keep_days)
    deleted = db.session.execute(delete(SearchQueryWeek).where(SearchQueryWeek.week < cutoff)).rowcount
    db.session.commit()
    return deleted or 0
