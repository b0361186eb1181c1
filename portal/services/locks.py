"""Serialising check-then-write decisions (the per-address comment limit, the double-click check)
across threads, gunicorn workers and nodes, so two requests cannot both pass the same check."""
from __future__ import annotations

import hashlib

from sqlalchemy import text

from ..extensions import db


def hold_write_lock(key: str) -> None:
    """Until the current transaction ends, no other transaction holding `key` gets past this call.

    Call it before the reads the decision depends on, and end the transaction (commit or rollback)
    as soon as the decision is made.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": number})
    elif dialect == "sqlite":
        # A write that matches no row opens the transaction with SQLite's single write lock (waiting up
        # to busy_timeout), so the reads after it see every committed row and no other writer interleaves.
        db.session.execute(text("UPDATE work_item SET id = id WHERE 0"))
