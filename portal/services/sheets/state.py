"""The published state a sheet is written from and checked against, read in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ...content import Item
from ...extensions import db
from ...i18n import both
from ...models import ProjectSite, StatusUpdate, WorkItem
from .. import sites as site_service
from ..content import content
from ..items import all_history_by_item
from ..status import NO_REPORT_MESSAGE, STATUSES


@dataclass
class ItemState:
    item: Item
    status: str | None  # status code, None before the first report
    entries: list[StatusUpdate]  # newest first
    sites: list[ProjectSite] = field(default_factory=list)

    @property
    def latest(self) -> StatusUpdate | None:
        return self.entries[0] if self.entries else None

    def reported(self) -> dict[str, tuple[float, StatusUpdate]]:
        """Each target's newest typed-in value with the entry that gave it."""
        out: dict[str, tuple[float, StatusUpdate]] = {}
        for entry in self.entries:
            for p in entry.progress:
                out.setdefault(p.target_key, (p.value, entry))
        return out

    def derived(self) -> dict[str, int]:
        return site_service.derived_progress(self.item, self.sites)


def load() -> dict[str, ItemState]:
    store = content()
    plan = store.plan.slug
    rows = {w.code: w.current_status for w in db.session.scalars(select(WorkItem).where(WorkItem.plan == plan))}
    entries = all_history_by_item(plan)
    sites = site_service.all_sites_by_item(plan)
    return {i.code: ItemState(i, rows.get(i.code), entries[i.code], sites.get(i.code, [])) for i in store.items}


def sites_by_id(states: dict[str, ItemState]) -> dict[int, ProjectSite]:
    return {s.id: s for st in states.values() for s in st.sites}


def status_label(code: str | None) -> str:
    return both(STATUSES.get(code or "", NO_REPORT_MESSAGE))["zh"]


def stage_label(code: str) -> str:
    return site_service.stage_label(code)["zh"]


def _choices(labels: dict[str, str]) -> dict[str, str]:
    """Every way a staff member may write a choice (code, Chinese or English label) → its code."""
    out = {}
    for code, message in labels.items():
        names = both(message)
        for name in (code, names["zh"], names["en"]):
            out[name.strip().lower()] = code
    return out


def status_choices() -> dict[str, str]:
    return _choices(STATUSES)


def stage_choices() -> dict[str, str]:
    return _choices(site_service.STAGES)


def place_choices() -> dict[str, str]:
    out = {}
    for p in content().places:
        for name in (p.slug, p.name.zh, p.name.en):
            out[name.strip().lower()] = p.slug
    return out
