"""Records follow their work point when a corrected notice renumbers a plan (`flask plans import --move-records`).

Every record about a work point names it by (plan, code): progress updates, comments, project sites,
"this matters to me" marks, outcomes (and an earlier plan's outcome continued by it), e-mail followers. When
a corrected notice inserts a point, those after it take new codes and their records must go with them.

Codes can change hands in a chain (2.3 → 2.4 → 2.5) or a swap, and the (plan, code) foreign keys and
unique constraints are checked row by row on PostgreSQL, so the move goes in two steps: every old code's
records to a temporary code of their own, then from there to the new code. Nothing is committed here:
the import writes the plan folder in the same transaction and commits only once it is in place.
"""
from __future__ import annotations

from sqlalchemy import func, literal, select, update

from ..extensions import db
from ..models import Feedback, ItemOutcome, MatterMark, ProjectSite, StatusUpdate, Subscription, WorkItem
from . import audit

# The work_item row a code's records hang on while the codes change hands; "~" is never in a notice's code.
_PARKED = "~"


def _parked(code: str) -> str:
    return _PARKED + code


def move_records(slug: str, moves: dict[str, str], new_items: dict[str, tuple[int, str]]) -> dict[str, int]:
    """Move the records of each old code to its new code within the open transaction; `new_items` gives the
    (section, deadline) of every work point of the corrected notice, for new codes not yet in work_item.
    Returns the number of records moved per old code."""
    rows = {w.code: w for w in db.session.scalars(select(WorkItem).where(WorkItem.plan == slug))}
    for old in moves:
        source = rows.get(old)
        if source is None:
            continue  # never served, so nothing recorded under it
        rows[_parked(old)] = WorkItem(plan=slug, code=_parked(old), section=source.section, deadline=source.deadline)
        db.session.add(rows[_parked(old)])
    db.session.flush()
    parked = [old for old in moves if _parked(old) in rows]
    for old in parked:
        _relabel(slug, old, _parked(old), rows)
    counts = {}
    for old in parked:
        new = moves[old]
        if new not in rows:
            section, deadline = new_items[new]
            rows[new] = WorkItem(plan=slug, code=new, section=section, deadline=deadline)
            db.session.add(rows[new])
            db.session.flush()
        counts[old] = _relabel(slug, _parked(old), new, rows)
    for old in parked:
        db.session.delete(rows[_parked(old)])
    db.session.flush()
    audit.record("plan.renumber", "plan", slug, {"codes": sorted(moves)},
                 {"moves": dict(moves), "records": counts})
    return counts


def _relabel(slug: str, source: str, target: str, rows: dict[str, WorkItem]) -> int:
    """Every record under `source` to `target`, and the work point's current status with them."""
    moved = 0
    for model in (StatusUpdate, Feedback, ProjectSite):
        moved += db.session.execute(update(model).where(model.plan == slug, model.item_code == source)
                                    .values(item_code=target)).rowcount
    # A mark's subject is "2.3" for the work point or "2.3/5" for its site 5.
    moved += db.session.execute(
        update(MatterMark).where(MatterMark.plan == slug, MatterMark.item_code == source)
        .values(item_code=target, subject=literal(target) + func.substr(MatterMark.subject, len(source) + 1))).rowcount
    moved += db.session.execute(
        update(ItemOutcome).where(ItemOutcome.plan_slug == slug, ItemOutcome.item_code == source)
        .values(item_code=target, work_item_id=rows[target].id)).rowcount
    db.session.execute(update(ItemOutcome).where(ItemOutcome.continued_by == f"{slug}/{source}")
                       .values(continued_by=f"{slug}/{target}"))
    moved += db.session.execute(
        update(Subscription).where(Subscription.kind == "item", Subscription.key == f"{slug}/{source}")
        .values(key=f"{slug}/{target}")).rowcount
    rows[target].current_status, rows[target].status_updated_at = rows[source].current_status, rows[source].status_updated_at
    rows[source].current_status = rows[source].status_updated_at = None
    db.session.flush()
    return moved
