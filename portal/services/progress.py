"""Publishing a work point's status and progress. Every update is a new history entry: a correction
is another entry, never an edit, so what residents were told stays on record."""
from __future__ import annotations

import math
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..i18n import N_
from ..models import StatusUpdate, TargetProgress, WorkItem, utcnow
from . import audit, follow
from .content import content, plan_slug
from .errors import InvalidInput
from .events import item_changed
from .sites import NOTE_MAX, check_date, derived_progress, sites_of
from .status import STATUSES
from .units import counts_things

# A value this many times the target is taken for a typing slip (an extra zero), not progress.
SANITY_FACTOR = 10

def over_target(item, values: dict[str, float]) -> dict[str, str]:
    """Values above an exact target: allowed, but staff confirm them first (a slip is likelier than
    overshooting). "At least" targets and percentages are meant to be exceeded and are not asked about."""
    targets = {t.key: t for t in item.targets}
    out = {}
    for key, value in values.items():
        t = targets.get(key)
        if t and t.comparator == "exact" and t.unit.en.strip() != "%" and value > t.value:
            out[f"progress_{key}"] = N_("This is more than the target. If it is right, tick the box below to confirm.")
    return out


def _ordered(code: str):
    return (select(StatusUpdate).where(StatusUpdate.plan == plan_slug(), StatusUpdate.item_code == code)
            .order_by(StatusUpdate.happened_on.desc(), StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))


def _latest_values(code: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for entry in db.session.scalars(_ordered(code)):
        for p in entry.progress:
            out.setdefault(p.target_key, p.value)
    return out


def _check_progress(item, progress: dict, derived: set[str], errors: dict[str, str]) -> dict[str, float]:
    targets = {t.key: t for t in item.targets}
    clean: dict[str, float] = {}
    for key, raw in (progress or {}).items():
        field = f"progress_{key}"
        if raw is None or raw == "":
            continue
        target = targets.get(key)
        if target is None:
            errors[field] = N_("This work point has no such target.")
            continue
        if key in derived:
            errors[field] = N_("This target is counted from its project sites; change the sites instead.")
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            errors[field] = N_("Please give a number.")
            continue
        if not math.isfinite(value) or value < 0:
            errors[field] = N_("Progress cannot be negative.")
        elif counts_things(target.unit.zh) and not value.is_integer():
            errors[field] = N_("This target counts things; please give a whole number.")
        elif target.unit.en.strip() == "%" and value > 100:
            errors[field] = N_("A percentage cannot be more than 100.")
        elif value > SANITY_FACTOR * target.value:
            errors[field] = N_("This is more than ten times the target; please check the number.")
        else:
            clean[key] = value
    return clean


def check_update(item, status: str, note_zh: str | None, note_en: str | None, happened_on,
                 progress: dict | None = None) -> tuple[dict[str, str], dict[str, float]]:
    """All the rules at once, so a form can show every problem beside its field: (errors, clean values)."""
    note_zh, note_en = (note_zh or "").strip(), (note_en or "").strip()
    errors: dict[str, str] = {}
    if status not in STATUSES:
        errors["status"] = N_("Please choose one of the statuses.")
    if not note_zh:
        errors["note_zh"] = N_("Please say what changed, in Chinese.")
    elif len(note_zh) > NOTE_MAX:
        errors["note_zh"] = N_("Please use at most 2,000 characters.")
    if len(note_en) > NOTE_MAX:
        errors["note_en"] = N_("Please use at most 2,000 characters.")
    check_date(happened_on, errors)
    derived = set(derived_progress(item, sites_of(item.code)))
    values = _check_progress(item, progress or {}, derived, errors)
    return errors, values


def add_update(item_code: str, status: str, note_zh: str, note_en: str | None, happened_on: date,
               progress: dict[str, float] | None = None, actor=None) -> StatusUpdate:
    """Checks and adds one history entry with its audit record to the open transaction; the caller commits.
    A progress spreadsheet adds many of these in one transaction, the item form one."""
    item = content().item(item_code)
    if item is None:
        raise InvalidInput({"item": N_("Unknown work point.")})
    errors, values = check_update(item, status, note_zh, note_en, happened_on, progress)
    if errors:
        raise InvalidInput(errors)
    note_zh, note_en = note_zh.strip(), (note_en or "").strip()

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
    audit.record("item.update", "work_item", item_code, before, {
        "status": row.current_status, "entry": {"status": status, "note_zh": note_zh, "note_en": note_en or None,
                                                "happened_on": happened_on.isoformat(), "progress": values},
        "progress": _latest_values(item_code)}, actor=actor)
    follow.on_status(entry)  # follow mails are queued with the update, or not at all
    return entry


def record_update(item_code: str, status: str, note_zh: str, note_en: str | None, happened_on: date,
                  progress: dict[str, float] | None = None, actor=None) -> StatusUpdate:
    entry = add_update(item_code, status, note_zh, note_en, happened_on, progress, actor=actor)
    db.session.commit()
    item_changed.send(current_app._get_current_object(), code=item_code, plan=entry.plan)
    return entry
