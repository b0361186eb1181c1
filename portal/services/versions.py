"""Optimistic concurrency for the staff forms, the web twin of the progress sheets' "version" column.

A form carries the version of the record it was built from (``seen``: the id of the newest entry, or a
token). Holding the record's write lock, the service compares it with the entries written since: none,
and it goes ahead; one that says exactly what is being sent, by the same person, is this very request
sent twice (a double tap, the browser sending the form again), so nothing is written twice; anything
else is someone else's newer work, which is never published over unseen (``Stale``). A form without
``seen`` (a script, a page from before forms carried it) is not checked.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select

from ..extensions import db
from ..inputs import int_or_none


class Stale(Exception):
    """Someone else wrote to the record after the form was built; nothing was written. ``newest`` is
    their entry, ``version`` the one a form sends once staff have seen it."""

    def __init__(self, newest, version: str):
        super().__init__(f"newer than the form: {version}")
        self.newest, self.version = newest, version


def seen_id(seen: str | None) -> int | None:
    """The entry id a form was built from; None when it sent none (not checked). Anything else that is
    not an id checks against every entry, so a mangled field cannot skip the check."""
    if not seen:
        return None
    found = int_or_none(seen)
    return found if found is not None and found >= 0 else 0


def entries_since(seen: str | None, model, *where) -> list | None:
    """The entries of `model` matching `where` written after the one a form was built from, oldest first;
    None when the form sent no version (not checked)."""
    since = seen_id(seen)
    if since is None:
        return None
    return list(db.session.scalars(select(model).where(*where, model.id > since).order_by(model.id)))


def check(newer: Sequence, is_twin: Callable[[object], bool], version: Callable[[object], str]):
    """None to go ahead (the caller writes and commits); otherwise the transaction is ended, releasing
    the record's lock, and the result is the entry that already carries this request, or Stale.
    `newer`: the entries written after the one the form was built from, oldest first."""
    if not newer:
        return None
    twin = next((e for e in newer if is_twin(e)), None)
    stale = None if twin is not None else Stale(newer[-1], version(newer[-1]))
    db.session.rollback()
    if stale:
        raise stale
    return twin
