"""Engine settings. SQLite gets WAL and a busy timeout so concurrent workers wait instead of failing;
PostgreSQL gets the same bounded wait for locks. Past the wait the request fails cleanly (503 page)."""
from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event

from .extensions import db

DEFAULT_WAIT_MS = 10_000


def engine_options(url: str) -> dict:
    """A database server's restart or failover must not leave dead pooled connections to fail requests, so
    each checkout is pinged first. A SQLite file has no connection to lose: no ping, which was a second
    statement on every page (most public pages read only the data version).

    On every database, an error names its statement but not the values bound to it: SQLAlchemy otherwise
    prints them ("[parameters: ...]"), and a failed write of a comment or a subscription would copy a
    resident's phone number or e-mail address into the log."""
    hidden = {"hide_parameters": True}
    return hidden if url.startswith("sqlite") else {**hidden, "pool_pre_ping": True}


def configure_engine(app: Flask) -> None:
    wait_ms = int(app.config.get("DB_BUSY_TIMEOUT_MS") or DEFAULT_WAIT_MS)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={wait_ms}")
            try:
                cur.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:
                pass  # a read-only database still serves pages; writes fail with the 503 page
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
    elif engine.dialect.name == "postgresql":
        @event.listens_for(engine, "connect")
        def _postgres_timeouts(dbapi_conn, _record):
            autocommit = dbapi_conn.autocommit
            dbapi_conn.autocommit = True
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET lock_timeout = {wait_ms}")
            dbapi_conn.autocommit = autocommit
