"""The data version: one token, in the database, that changes whenever what public pages show changes.

Public pages carry an ETag made from it (portal/http_caching.py), so every node (and nginx in front of
them) checks a stored page against the same shared value: a status change shows on every node at the
next request, with no per-node cache to expire.

The token changes inside the transaction that makes the change, so the two cannot disagree: any commit
that adds, changes or deletes a row of a model in PUBLIC_MODELS, or runs an ORM `update()`/`delete()`
statement on one, bumps it (ORM session hooks, so a new writer cannot forget). Writes the ORM does not
see (SQL text by hand, another program) call `bump_data_version()` before their commit; a new model
shown on public pages is added to PUBLIC_MODELS. A random token rather than a counter: a database restored from a backup
must not reuse a number that already named other content.
"""
from __future__ import annotations

import uuid

from flask import g
from sqlalchemy import event, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import (DataVersion, Feedback, ItemOutcome, MatterMark, ProjectSite, SiteStageUpdate,
                      StatusUpdate, TargetProgress, WorkItem, utcnow)

PUBLIC_MODELS = frozenset({WorkItem, StatusUpdate, TargetProgress, ProjectSite, SiteStageUpdate, Feedback,
                           MatterMark, ItemOutcome})
_PENDING = "data_version_bump"


# Plain SQL on a pooled DBAPI connection. Every public request makes this read and most make no other;
# measured in a gunicorn worker under load, the read through SQLAlchemy's Connection and Result took 0.2 ms
# of thread CPU, on the pooled DBAPI connection 0.11 ms. The price: SQLAlchemy's events and echo do not see it (tests count it through
# TOKEN_SQL, tests/test_query_count.py).
TOKEN_SQL = "SELECT token FROM data_version WHERE id = 1"


def current() -> str:
    """The shared token as committed, read on a pooled connection of its own."""
    engine = db.engine  # read once: each read goes through current_app (docs/architecture.md)
    dbapi = engine.dialect.loaded_dbapi
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(TOKEN_SQL)
            row = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()  # back to the pool, which ends the read's transaction
    except dbapi.Error as exc:
        # The raw connection skips SQLAlchemy's wrapping: the driver's own error (server down, SQLite file that
        # cannot be opened) reached no handler and became a 500. Wrapped as SQLAlchemy would, it is the
        # OperationalError that portal/errors.py answers with the 503 "temporarily unavailable" page.
        raise DBAPIError.instance(TOKEN_SQL, None, exc, dbapi.Error, dialect=engine.dialect) from exc
    return (row[0] if row else None) or "none"


def for_request() -> str:
    """The token as this request first read it: the page's ETag and its cached parts name one version."""
    if "data_version" not in g:
        g.data_version = current()
    return g.data_version


def bump_data_version(session: Session | None = None) -> None:
    """Give the data version a new token in the current transaction; it counts once committed."""
    session = session or db.session
    session.execute(update(DataVersion).where(DataVersion.id == 1)
                    .values(token=uuid.uuid4().hex, changed_at=utcnow()))


def _touches_public(session: Session) -> bool:
    return any(type(obj) in PUBLIC_MODELS for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "after_flush")
def _note(session: Session, _context) -> None:
    if _touches_public(session):  # still the pre-flush lists here
        session.info[_PENDING] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state) -> None:
    """`update(WorkItem)...` and `delete(...)` statements skip the flush: noted here instead."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in PUBLIC_MODELS:
        state.session.info[_PENDING] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    if session.info.get(_PENDING) or _touches_public(session):
        bump_data_version(session)  # its autoflush notes the rest; cleared after the commit
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)
