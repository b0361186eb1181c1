"""Uploads kept between preview and publish, server-side, under a random token."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from ...extensions import db
from ...models import SheetUpload, utcnow
from .. import audit
from .read import Parsed

KEEP = timedelta(days=2)


def clean_name(filename: str | None) -> str:
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "sheet"


def store(filename: str, data: bytes, parsed: Parsed, actor) -> SheetUpload:
    # Previews nobody published are not kept for long: they hold a whole sheet each.
    db.session.execute(delete(SheetUpload).where(SheetUpload.published_at.is_(None),
                                                 SheetUpload.created_at < utcnow() - KEEP))
    upload = SheetUpload(token=secrets.token_urlsafe(32), staff_id=actor.id, filename=clean_name(filename),
                         sha256=hashlib.sha256(data).hexdigest(), rows=parsed.as_dict(), created_at=utcnow())
    db.session.add(upload)
    db.session.flush()
    audit.record("sheet.upload", "sheet_upload", upload.id, None,
                 {"file": upload.filename, "sha256": upload.sha256, "bytes": len(data),
                  "rows": {k: len(v) for k, v in parsed.rows.items()}, "problems": len(parsed.problems)}, actor=actor)
    db.session.commit()
    return upload


def find(token: str, actor) -> SheetUpload | None:
    return db.session.scalar(select(SheetUpload).where(SheetUpload.token == token, SheetUpload.staff_id == actor.id))


def published_before(sha256: str) -> SheetUpload | None:
    stmt = (select(SheetUpload).where(SheetUpload.sha256 == sha256, SheetUpload.published_at.is_not(None))
            .order_by(SheetUpload.published_at.desc()).limit(1))
    return db.session.scalar(stmt)
