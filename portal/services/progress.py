"""Publishing a work point's status and progress. Every update is a new history entry: a correction
is another entry, never an edit, so what residents were told stays on record."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..i18n import N_
from ..models import StatusUpdate, TargetProgress, WorkItem, utcnow
from . import audit, follow
from .content import content, plan_slug
from .errors import InvalidInput
from .events import item_changed
from .locks import hold_write_lock
from .versions import check, entries_since


def _ordered(code: str):
    return (select(StatusUpdate).where(StatusUpdate.plan == plan_slug(), StatusUpdate.item_code == code)
            .order_by(StatusUpdate.happened_on.desc(), StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))


def _latest_values(code: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for entry in db.session.scalars(_ordered(code)):
        for p in entry.progress:
            out.setdefault(p.target_key, p.value)
    return out


def add_update(item_code: str, status: str, note_zh: str, note_en: str | None, happened_on: date,
               progress: dict[str, float] | None = None, actor=None) -> StatusUpdate:
    """Adds one history entry with its audit record to the open transaction; the caller commits. The input
    was checked by the form or the spreadsheet check (portal/rules). A progress spreadsheet adds many of
    these in one transaction, the item form one."""
    item = content().item(item_code)
    if item is None:
        raise InvalidInput({"item": N_("Unknown work point.")})
    note_zh, note_en = note_zh.strip(), (note_en or "").strip()
    values = {k: float(v) for k, v in (progress or {}).items()}

    row = db.session.scalar(select(WorkItem).where(WorkItem.plan == item.plan, WorkItem.code == item_code))
    before = {"status": row.current_status, "progress": _latest_values(item_code)}
    entry = StatusUpdate(plan=item.plan, item_code=item_code, status=status, note_zh=note_zh, note_en=note_en or None,
                         happened_on=happened_on, created_at=utcnow(), staff_id=actor.id if actor else None)
    entry.progress = [TargetProgress(target_key=k, value=v) for k, v in values.items()]
    db.session.add(entry)
    db.session.flush()
    # The newest entry by the date things happened decides the status; a back-dated entry is history.
    top = db.session.scalars(_ordered(item_code).limit(1)).first()
    row.current_status = top.status
    row.status_updated_at = top.created_at
    # A code is unique within its plan only: the entry names the plan.
    audit.record("item.update", "work_item", item_code, before, {
        "plan": item.plan, "status": row.current_status, "entry": {"status": status, "note_zh": note_zh, "note_en": note_en or None,
                                                "happened_on": happened_on.isoformat(), "progress": values},
        "progress": _latest_values(item_code)}, actor=actor)
    follow.on_status(entry)  # follow mails are queued with the update, or not at all
    return entry


def version(item_code: str) -> str:
    """What the item form is built from: the newest entry published, whatever its date ("0": none)."""
    newest = db.session.scalar(select(func.max(StatusUpdate.id)).where(StatusUpdate.plan == plan_slug(),
                                                                       StatusUpdate.item_code == item_code))
    return str(newest or 0)


def record_update(item_code: str, status: str, note_zh: str, note_en: str | None, happened_on: date,
                  progress: dict[str, float] | None = None, actor=None, seen: str | None = None) -> StatusUpdate:
    """Publishes one entry from the item form, unless `seen` (see versions.py) is older than the newest
    entry: Stale when that is someone else's, that entry when it is this same update sent twice."""
    hold_write_lock(f"item:{plan_slug()}/{item_code}")
    newer = entries_since(seen, StatusUpdate, StatusUpdate.plan == plan_slug(), StatusUpdate.item_code == item_code)
    if newer is not None:
        values = {k: float(v) for k, v in (progress or {}).items()}

        def same(e: StatusUpdate) -> bool:
            return ((e.staff_id, e.status, e.note_zh, e.note_en or "", e.happened_on,
                     {p.target_key: p.value for p in e.progress})
                    == (actor.id if actor else None, status, note_zh.strip(), (note_en or "").strip(), happened_on,
                        values))

        twin = check(newer, same, lambda e: str(e.id))
        if twin is not None:
            return twin
    entry = add_update(item_code, status, note_zh, note_en, happened_on, progress, actor=actor)
    db.session.commit()
    item_changed.send(current_app._get_current_object(), code=item_code, plan=entry.plan)
    return entry
