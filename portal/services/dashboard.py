"""What the progress dashboard, the home page and the feeds show: counts by status, by action area
and by office, the items past their deadline, and the latest published updates. A fixed number of
queries whatever the number of items."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import localized
from ..models import ProjectSite, SiteStageUpdate, StatusUpdate
from ..states import ItemStatus
from .content import content
from .status import NO_REPORT, STATUSES, Status, status_map

# Display order: what is done first, what has not been reported last.
STATUS_ORDER = (ItemStatus.COMPLETED, ItemStatus.IN_PROGRESS, ItemStatus.NOT_STARTED, ItemStatus.DELAYED, NO_REPORT)


@dataclass
class Row:
    """One bar of a chart: a label, a link and its count per status."""

    key: str
    label: object  # a content Text (zh/en) or a plain string
    url: str | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Event:
    """A published update: a work point's status entry or a project site's stage entry."""

    kind: str  # "status" | "site"
    id: int
    item: object
    code: str  # status or stage code
    note_zh: str
    note_en: str
    happened_on: date
    published_at: datetime
    site: ProjectSite | None = None

    def note(self, lang: str) -> str:
        return localized(self, "note", lang)


@dataclass
class Summary:
    statuses: dict[str, Status]
    by_status: dict[str, int]
    by_area: list[Row]
    by_office: list[Row]
    overdue: list
    recent: list[Event]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def recent_events(limit: int = 20) -> list[Event]:
    """Latest published updates of both kinds, newest publication first."""
    store = content()
    events: list[Event] = []
    updates = db.session.scalars(select(StatusUpdate).where(StatusUpdate.plan == store.plan.slug).order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
                                 .limit(limit))
    for u in updates:
        item = store.item(u.item_code)
        if item:
            events.append(Event("status", u.id, item, u.status, u.note_zh, u.note_en or "", u.happened_on, u.created_at))
    stages = db.session.scalars(select(SiteStageUpdate).options(selectinload(SiteStageUpdate.site))
                                .join(ProjectSite).where(ProjectSite.plan == store.plan.slug)
                                .order_by(SiteStageUpdate.created_at.desc(), SiteStageUpdate.id.desc()).limit(limit))
    for s in stages:
        item = store.item(s.site.item_code)
        if item:
            events.append(Event("site", s.id, item, s.stage, s.note_zh or "", s.note_en or "", s.happened_on,
                                s.created_at, s.site))
    events.sort(key=lambda e: (e.published_at, e.kind == "status", e.id), reverse=True)
    return events[:limit]


def summary(url_for_area=None, url_for_office=None, recent: int = 10) -> Summary:
    store = content()
    statuses = status_map(store.items)
    by_status = dict.fromkeys(STATUS_ORDER, 0)
    for st in statuses.values():
        by_status[st.code if st.code in STATUSES else NO_REPORT] += 1

    areas = []
    for s in store.sections:
        row = Row(str(s.number), s.title, url_for_area(s.number) if url_for_area else None)
        for i in s.items:
            row.counts[statuses[i.code].code] += 1
        areas.append(row)

    offices = []
    for o in store.offices:
        row = Row(o.slug, o.name, url_for_office(o.slug) if url_for_office else None)
        for i in store.items_by_office(o.slug):
            row.counts[statuses[i.code].code] += 1
        if row.total:
            offices.append(row)
    offices.sort(key=lambda r: -r.total)

    overdue = sorted((i for i in store.items if statuses[i.code].overdue), key=lambda i: (i.deadline, i.sort_key))
    return Summary(statuses, by_status, areas, offices, overdue, recent_events(recent))


def sites_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count(ProjectSite.id))) or 0
