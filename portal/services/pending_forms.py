"""A staff form waiting for its sender's password again (staff/recent_password.py), kept on the server.

The page asking for the password used to carry the form as hidden fields, so a new account's password (or
another account's new one) was written into the HTML: the browser's cache, a saved page, the page's source.
Now the page carries only a random handle. The form is kept in the staff drafts' table (services/drafts.py)
under the handle's hash, sealed (Fernet, from `cryptography`) with a key derived from the handle: the database
alone cannot read it, and the page holds nothing that was typed. It is taken, and deleted, once the password
is right, by the account that posted it and for the address it was posted to only; an unused one expires
with the drafts (KEEP_FOR, `flask privacy purge`). It is never put back into a page as a draft: a draft is
found by the browser's draft cookie, which never holds a handle. A form larger than PORTAL_PENDING_FORM_MAX_BYTES
is not kept at all (20 an account, an hour each: a request limit raised one day would otherwise fill the table).
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterable

from sqlalchemy import delete, select
from werkzeug.datastructures import ImmutableMultiDict

from ..extensions import db
from ..models import StaffDraft
from . import drafts
from .staff_sessions import now

SEALED = "sealed"  # the one field name of the row: the form, sealed
PAGE = ""  # a draft always names the page it came from; a waiting form names none


def _fernet(handle: str):
    # Imported here, on the rare admin action that needs it: cryptography's bindings add about 9 MB to a process,
    # and every gunicorn worker would carry them from the preloaded master (#15 keeps a worker under 150 MB).
    from cryptography.fernet import Fernet

    # Not the hash the row is found by (drafts' SHA-256 of the handle): a different derivation, so the row's
    # own columns do not open it.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"pending form\0" + handle.encode()).digest()))


def keep(posted: Iterable[tuple[str, str]], action: str, staff_id: int, max_bytes: int) -> str | None:
    """Keeps the form `staff_id` posted to `action` (a path); returns the handle for the page, or None when the
    form, as JSON in UTF-8, is larger than `max_bytes` (then nothing is kept; sealed, it would be a third larger)."""
    plain = json.dumps([[name, value] for name, value in posted], ensure_ascii=False).encode()
    if len(plain) > max_bytes:
        return None
    handle = secrets.token_urlsafe(32)
    sealed = _fernet(handle).encrypt(plain).decode()
    moment = now()
    db.session.execute(delete(StaffDraft).where(StaffDraft.expires_at <= moment))
    db.session.add(StaffDraft(token_hash=drafts.token_hash(handle), staff_id=staff_id, page=PAGE, action=action,
                              fields=[[SEALED, sealed]], created_at=moment, expires_at=moment + drafts.KEEP_FOR))
    db.session.flush()
    # An account's newest few only, as a browser's drafts: a session posting in a loop does not fill the table.
    own = (StaffDraft.staff_id == staff_id) & (StaffDraft.page == PAGE)
    newest = select(StaffDraft.id).where(own).order_by(StaffDraft.created_at.desc(), StaffDraft.id.desc())
    db.session.execute(delete(StaffDraft).where(own, StaffDraft.id.not_in(
        select(newest.limit(drafts.MAX_DRAFTS).subquery().c.id))))
    db.session.commit()
    return handle


def take(handle: str | None, action: str, staff_id: int) -> ImmutableMultiDict | None:
    """The form kept under `handle` for `staff_id` and `action`, deleted now; None when there is none (expired,
    taken already, another account's or address's, or a handle that was never given)."""
    if not handle or len(handle) > 100:
        return None
    # Found and deleted in one statement: the same page sent twice at once (a double click) is taken by one
    # request only. A look-up then an ORM delete let both find it, and the second delete only warns.
    sealed = db.session.scalar(delete(StaffDraft).where(
        StaffDraft.token_hash == drafts.token_hash(handle), StaffDraft.staff_id == staff_id, StaffDraft.page == PAGE,
        StaffDraft.action == action, StaffDraft.expires_at > now()).returning(StaffDraft.fields))
    db.session.commit()
    if sealed is None:
        return None
    from cryptography.fernet import InvalidToken  # with Fernet, on first use (_fernet)

    try:
        fields = json.loads(_fernet(handle).decrypt(sealed[0][1].encode()))
    except (InvalidToken, ValueError, IndexError, TypeError):
        return None
    return ImmutableMultiDict([(name, value) for name, value in fields])
