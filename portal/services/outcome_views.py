"""What the item page and the progress dashboard show of outcomes and of links between plans' items.

A fixed number of queries per page whatever the number of items; nothing shows until recorded."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..content import Item
from ..extensions import db
from ..models import ItemOutcome
from ..states import OutcomeKind
from . import plan_links
from .content import content
from .outcomes import outcome_of, outcomes_for

KIND_ORDER = tuple(OutcomeKind)


@dataclass
class FigureRow:
    target: object  # content Target
    value: float | None  # achieved (recorded outcome), or None: the target alone is shown


@dataclass
class Link:
    """An item of another plan that this one continues, or that continues this one."""

    ref: plan_links.ItemRef
    figures: list[FigureRow]
    outcome: ItemOutcome | None = None


@dataclass
class ItemOutcomeView:
    outcome: ItemOutcome | None
    figures: list[FigureRow]
    origins: list[Link]
    continuations: list[Link]

    @property
    def shown(self) -> bool:
        return bool(self.outcome or self.origins or self.continuations)


def _figures(item: Item, outcome: ItemOutcome | None) -> list[FigureRow]:
    values = (outcome.figures or {}) if outcome else {}
    return [FigureRow(t, values.get(t.key)) for t in item.targets if not outcome or t.key in values]


def _link(ref: plan_links.ItemRef) -> Link:
    outcome = outcome_of(ref.plan.slug, ref.item.code)
    return Link(ref, _figures(ref.item, outcome), outcome)


def _origins(item: Item, slug: str) -> list[Link]:
    refs = {}
    declared = plan_links.find(plan_links.continued_ref(item))
    if declared:
        refs[declared.ref] = declared
    recorded = db.session.scalars(select(ItemOutcome).where(ItemOutcome.continued_by == f"{slug}/{item.code}"))
    for o in recorded:
        found = plan_links.find(f"{o.plan_slug}/{o.item_code}")
        if found:
            refs.setdefault(found.ref, found)
    return [_link(r) for r in refs.values()]


def item_view(item: Item) -> ItemOutcomeView:
    slug = item.plan
    outcome = outcome_of(slug, item.code)
    forward = {r.ref: r for r in plan_links.declared_continuations(slug, item.code)}
    recorded = plan_links.find(outcome.continued_by) if outcome and outcome.continued_by else None
    if recorded:
        forward.setdefault(recorded.ref, recorded)
    continuations = [Link(r, []) for r in forward.values()]
    return ItemOutcomeView(outcome, _figures(item, outcome) if outcome else [], _origins(item, slug), continuations)


@dataclass
class OutcomeRow:
    """One line of the dashboard's outcome table: an action area or an office."""

    key: str
    label: object
    url: str | None
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KIND_ORDER, 0))

    @property
    def recorded(self) -> int:
        return sum(self.counts.values())

    @property
    def completed(self) -> int:
        return self.counts[OutcomeKind.COMPLETED]


@dataclass
class OutcomeSummary:
    overall: OutcomeRow
    by_area: list[OutcomeRow]
    by_office: list[OutcomeRow]


def _count(row: OutcomeRow, items, outcomes: dict[str, ItemOutcome]) -> OutcomeRow:
    for i in items:
        row.total += 1
        if i.code in outcomes:
            row.counts[outcomes[i.code].result] += 1
    return row


def summary(url_for_area=None, url_for_office=None) -> OutcomeSummary | None:
    """Outcome counts of the served plan by action area and by office; None while none is recorded."""
    store = content()
    outcomes = outcomes_for(store.plan.slug)
    if not outcomes:
        return None
    areas = [_count(OutcomeRow(str(s.number), s.title, url_for_area(s.number) if url_for_area else None),
                    s.items, outcomes) for s in store.sections]
    offices = [_count(OutcomeRow(o.slug, o.name, url_for_office(o.slug) if url_for_office else None),
                      store.items_by_office(o.slug), outcomes) for o in store.offices]
    offices = sorted((r for r in offices if r.total), key=lambda r: -r.total)
    return OutcomeSummary(_count(OutcomeRow("all", "", None), store.items, outcomes), areas, offices)
