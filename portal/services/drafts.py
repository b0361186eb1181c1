"""Nothing staff type is lost when their session or form expires: the rules for the drafts kept meanwhile.

When a staff form cannot be taken (the session ended, or the CSRF token no longer matches), what was typed
into it is kept here, server-side, under a random token the browser holds in a cookie (portal/staff/drafts.py
sets and reads it). Once the staff member is back on the page the form was on, the form that posted to the
same address is filled in with it, once; nothing is sent for them.

* Only the form's own fields are kept: never the CSRF token nor anything that looks like a password or a
  one-time code (files never reach request.form).
* A browser holds one draft per form (page and address): two tabs whose session ended both keep their text, and
  the same form sent twice keeps the latest. They share the browser's one token, each kept for its own KEEP_FOR,
  at most MAX_DRAFTS of them (the oldest dropped: more forms than that were not being typed into at once).
* A draft is kept for KEEP_FOR at most, is deleted when it is put back, and expired ones are deleted by
  `flask privacy purge` (and whenever a new draft is kept).
* A draft bigger than MAX_CHARS is not kept: the staff member still sees their text, to copy.
* The draft is restored only into the form posting to the address it was posted to, on the page it came
  from: never into another page's form, and only on staff pages (which need a login). When that page no
  longer has such a form, the text is shown there once, to copy.
* A draft belongs to the account whose session posted it, and only that account gets it back: on a shared
  computer, a colleague logging in next is not given the text (nor the version it was typed against).
"""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..models import StaffDraft
from .staff_sessions import now  # the staff sessions' clock: tests set STAFF_CLOCK

KEEP_FOR = timedelta(hours=1)
# All names and values together, as JSON: a whole update form (two notes of 2,000 characters and the
# figures) is far below it; anything larger was not typed into these forms.
MAX_CHARS = 32_000
MAX_FIELDS = 200
MAX_PATH = 500
MAX_DRAFTS = 20  # a browser's drafts; beyond it the oldest is dropped
# The last part of a field's name (after a form's prefix) that is never written down.
# "pending": the handle of a form waiting for the password again (services/pending_forms.py), which opens it.
SECRET_FIELDS = frozenset({"csrf_token", "password", "confirm", "current", "proof", "code", "totp", "pending"})


@dataclass(frozen=True)
class Draft:
    id: int
    page: str
    action: str
    fields: MultiDict


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def own_fields(posted: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The posted fields worth putting back: no token, no secret."""
    return [[name, value] for name, value in posted
            if isinstance(value, str) and name.rpartition("-")[2] not in SECRET_FIELDS]


def keep(posted: Iterable[tuple[str, str]], page: str, action: str, staff_id: int,
         token: str | None = None) -> str | None:
    """Keeps what `staff_id` posted to `action` from `page` (paths); returns the token for the browser, or None
    when it is too large to keep. `token`: the browser's, kept when it still holds drafts (they stay, but this
    form's earlier one); a token holding none is not taken from the browser, a new one is made."""
    fields = own_fields(posted)
    if (not fields or len(fields) > MAX_FIELDS or len(page) > MAX_PATH or len(action) > MAX_PATH
            or len(json.dumps(fields, ensure_ascii=False)) > MAX_CHARS):
        return None
    moment = now()
    db.session.execute(delete(StaffDraft).where(StaffDraft.expires_at <= moment))
    if not _holds_any(token):
        token = secrets.token_urlsafe(32)
    held = StaffDraft.token_hash == token_hash(token)
    # The same form sent again by the same account: the latest text is the one to put back.
    db.session.execute(delete(StaffDraft).where(held, StaffDraft.staff_id == staff_id, StaffDraft.page == page,
                                                StaffDraft.action == action))
    db.session.add(StaffDraft(token_hash=token_hash(token), staff_id=staff_id, page=page, action=action, fields=fields,
                              created_at=moment, expires_at=moment + KEEP_FOR))
    db.session.flush()
    oldest = select(StaffDraft.id).where(held).order_by(StaffDraft.created_at.desc(), StaffDraft.id.desc())
    db.session.execute(delete(StaffDraft).where(held, StaffDraft.id.not_in(
        select(oldest.limit(MAX_DRAFTS).subquery().c.id))))
    db.session.commit()
    return token


def _holds_any(token: str | None) -> bool:
    if not token or len(token) > 100:
        return False
    live = select(StaffDraft.id).where(StaffDraft.token_hash == token_hash(token), StaffDraft.expires_at > now())
    return db.session.scalar(live.limit(1)) is not None


def held(token: str | None, staff_id: int) -> list[Draft]:
    """The unexpired drafts behind `token` that `staff_id` posted, newest first (one read: a staff page both
    puts back its own and names the other pages holding some); nothing is deleted yet."""
    if not token or len(token) > 100:
        return []
    rows = db.session.scalars(
        select(StaffDraft).where(StaffDraft.token_hash == token_hash(token), StaffDraft.staff_id == staff_id,
                                 StaffDraft.expires_at > now())
        .order_by(StaffDraft.created_at.desc(), StaffDraft.id.desc()))
    return [Draft(row.id, row.page, row.action, MultiDict([tuple(pair) for pair in row.fields])) for row in rows]


def pending(drafts: list[Draft], page: str) -> list[Draft]:
    """Of `drafts` (held), the ones posted from `page` (a path)."""
    return [draft for draft in drafts if draft.page == page]


def elsewhere(drafts: list[Draft], page: str) -> list[str]:
    """Of `drafts` (held), the other pages (paths) holding some, in the same order, each once."""
    return list(dict.fromkeys(draft.page for draft in drafts if draft.page != page))


def forget(token: str, draft_id: int) -> bool:
    """Deletes one draft behind `token` (it was put back, once); True when the token holds no other."""
    db.session.execute(delete(StaffDraft).where(StaffDraft.token_hash == token_hash(token), StaffDraft.id == draft_id))
    db.session.commit()
    return not _holds_any(token)


def purge(moment: datetime | None = None) -> int:
    """Deletes expired drafts; returns how many (called by `flask privacy purge`). Does not commit."""
    return db.session.execute(delete(StaffDraft).where(StaffDraft.expires_at <= (moment or now()))).rowcount
