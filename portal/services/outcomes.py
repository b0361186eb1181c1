"""What became of each work point: its outcome, recorded by staff once its plan's year is over.

The rules a form checks (`year_over`, `figure_problem`, `continuation_problem`) live here so the
staff form and the tests use the same ones; `record_outcome` trusts what the form has checked.
Outcomes are keyed by plan and code (see models.ItemOutcome); nothing shows until staff record one.
"""
from __future__ import annotations


from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..i18n import N_
from ..models import ItemOutcome, WorkItem, utcnow
from ..rules.progress import NOT_PERCENT, has_percent_sign, is_percentage, parse_number, unreadable_problem
from ..states import OutcomeKind
from . import audit
from .clock import today
from .content import content
from .events import item_changed
from .locks import hold_write_lock
from .versions import check
from .units import counts_things

LABELS = {
    OutcomeKind.COMPLETED: N_("Completed"),
    OutcomeKind.PARTLY: N_("Partly completed"),
    OutcomeKind.NOT_COMPLETED: N_("Not completed"),
    OutcomeKind.CARRIED_OVER: N_("Carried over"),
}


class OutcomeRefused(ValueError):
    """The outcome cannot be recorded at all (not yet, or not for this plan); `message` is an English id."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def year_over(plan) -> bool:
    """A plan's year is over once the next year has begun in Shanghai."""
    return today().year > plan.year


def check_can_record(plan) -> None:
    """Any plan's items take outcomes (each plan has its own work_item rows) once its year is over."""
    if not year_over(plan):
        raise OutcomeRefused(N_("Outcomes can be recorded once the plan's year is over, from 1 January %(year)s."),
                             year=plan.year + 1)


def figure_problem(target, raw) -> tuple[float | None, str | None]:
    """(value, None) for an acceptable figure achieved against a target, (None, message) otherwise."""
    # "96%" of a percentage is 96, as in the item form and the progress sheets; on any other target it is refused
    # as a percent sign, not as "no number".
    if has_percent_sign(raw) and not is_percentage(target):
        return None, NOT_PERCENT
    value = parse_number(raw)
    if value is None:
        return None, unreadable_problem(raw)
    if value < 0:
        return None, N_("The figure cannot be negative.")
    if counts_things(target.unit.zh) and not value.is_integer():
        return None, N_("This target counts things; please give a whole number.")
    if is_percentage(target) and value > 100:
        return None, N_("A percentage cannot be more than 100.")
    return value, None


def continuation_problem(ref: str, plan) -> str | None:
    """A carried-over item names the later plan's item that continues it, as <plan-slug>/<code>."""
    from . import plan_links

    slug, _, code = ref.strip().partition("/")
    if not slug or not code:
        return N_("Please write it as plan/code, for example 2024-city-management/2.1.")
    later = next((p for p in content().plans if p.slug == slug), None)
    if later is None:
        return N_("There is no plan with this name.")
    if later.year <= plan.year:
        return N_("Please name an item of a later plan.")
    if plan_links.find(ref.strip()) is None:
        return N_("That plan has no work point with this code.")
    return None


def outcome_of(plan_slug: str, code: str) -> ItemOutcome | None:
    return db.session.scalar(select(ItemOutcome).where(ItemOutcome.plan_slug == plan_slug,
                                                       ItemOutcome.item_code == code))


def outcomes_for(plan_slug: str) -> dict[str, ItemOutcome]:
    rows = db.session.scalars(select(ItemOutcome).where(ItemOutcome.plan_slug == plan_slug))
    return {o.item_code: o for o in rows}


def _work_item(plan, code: str) -> WorkItem:
    """The plan's row for the item; a plan the site does not serve (not synced at start) gets it here."""
    row = db.session.scalar(select(WorkItem).where(WorkItem.plan == plan.slug, WorkItem.code == code))
    if row is None:
        from . import plan_links

        item = plan_links.find(f"{plan.slug}/{code}").item
        row = WorkItem(plan=plan.slug, code=code, section=item.section.number, deadline=item.deadline)
        db.session.add(row)
        db.session.flush()
    return row


def _snapshot(o: ItemOutcome | None) -> dict | None:
    if o is None:
        return None
    return {"plan": o.plan_slug, "result": str(o.result), "figures": dict(o.figures or {}), "note_zh": o.note_zh,
            "note_en": o.note_en, "continued_by": o.continued_by}


def version(o: ItemOutcome | None) -> str:
    """What the outcome form is built from: when the outcome was last saved ("none": not yet)."""
    return o.updated_at.isoformat() if o is not None else "none"


def record_outcome(plan, code: str, result: OutcomeKind, figures: dict[str, float], note_zh: str,
                   note_en: str | None, continued_by: str | None, actor=None, seen: str | None = None) -> ItemOutcome:
    """Records or changes an item's outcome (input checked by the form) and audits the change. With `seen`
    (versions.py), one saved meanwhile by someone else is not replaced unseen (Stale)."""
    check_can_record(plan)
    hold_write_lock(f"outcome:{plan.slug}/{code}")
    row = outcome_of(plan.slug, code)
    # No outcome yet: nobody's work to overwrite, whatever version the form sent (a mangled one too).
    if seen and row is not None and seen != version(row):
        sent = {"plan": plan.slug, "result": str(OutcomeKind(result)), "figures": {k: float(v) for k, v in figures.items()},
                "note_zh": note_zh.strip(), "note_en": (note_en or "").strip() or None,
                "continued_by": continued_by.strip() if result == OutcomeKind.CARRIED_OVER and continued_by else None}
        twin = check([row], lambda o: o.staff_id == (actor.id if actor else None) and _snapshot(o) == sent, version)
        if twin is not None:
            return twin
    before = _snapshot(row)
    if row is None:
        row = ItemOutcome(work_item_id=_work_item(plan, code).id, plan_slug=plan.slug, item_code=code)
        db.session.add(row)
    row.result, row.figures = OutcomeKind(result), dict(figures)
    row.note_zh, row.note_en = note_zh.strip(), (note_en or "").strip() or None
    row.continued_by = continued_by.strip() if result == OutcomeKind.CARRIED_OVER and continued_by else None
    row.updated_at, row.staff_id = utcnow(), actor.id if actor else None
    audit.record("item.outcome", "work_item", code, before, _snapshot(row), actor=actor)
    db.session.commit()
    item_changed.send(current_app._get_current_object(), code=code, plan=plan.slug)
    return row

