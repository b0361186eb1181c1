"""Access to the loaded content store and syncing its item codes into the database."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..content import ContentStore, load_content
from ..extensions import db
from ..models import WorkItem


def content() -> ContentStore:
    return current_app.extensions["portal_content"]


def init_content(app) -> None:
    app.extensions["portal_content"] = load_content(app.config["CONTENT_DIR"], app.config.get("CURRENT_PLAN"))


def sync_items(store: ContentStore) -> dict[str, int]:
    """Make sure every work point has its row; safe to run again (no duplicates, nothing lost)."""
    existing = {w.code: w for w in db.session.scalars(select(WorkItem))}
    added = updated = 0
    for item in store.items:
        row = existing.get(item.code)
        if row is None:
            db.session.add(WorkItem(code=item.code, section=item.section.number, deadline=item.deadline))
            added += 1
        elif row.deadline != item.deadline or row.section != item.section.number:
            row.deadline, row.section = item.deadline, item.section.number
            updated += 1
    db.session.commit()
    return {"added": added, "updated": updated, "total": len(store.items)}
