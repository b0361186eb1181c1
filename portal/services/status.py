"""Status of a work point: the latest published update, or the computed "no report yet" state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import bindparam, select, tuple_

from ..extensions import db
from ..models import WorkItem
from ..states import ItemStatus
from .clock import deadline_passed

from ..i18n import N_

STATUSES = {
    ItemStatus.NOT_STARTED: N_("Not started"),
    ItemStatus.IN_PROGRESS: N_("In progress"),
    ItemStatus.COMPLETED: N_("Completed"),
    ItemStatus.DELAYED: N_("Delayed"),
}
NO_REPORT = "no_report"
NO_REPORT_MESSAGE = N_("No progress report published yet")
DEADLINE_PASSED_MESSAGE = N_("Deadline passed")


@dataclass(frozen=True)
class Status:
    code: str
    updated_at: datetime | None
    deadline_passed: bool

    @property
    def message(self) -> str:
        return STATUSES.get(self.code, NO_REPORT_MESSAGE)

    @property
    def label(self) -> str:
        return gettext(self.message)

    @property
    def reported(self) -> bool:
        return self.code != NO_REPORT

    @property
    def overdue(self) -> bool:
        """Past its deadline month and not reported completed."""
        return self.deadline_passed and self.code != ItemStatus.COMPLETED


# Built once: building and caching a statement per search cost more than running it.
_ITEMS = WorkItem.__table__.c
_STATUSES_OF = select(_ITEMS.plan, _ITEMS.code, _ITEMS.current_status, _ITEMS.status_updated_at).where(
    tuple_(_ITEMS.plan, _ITEMS.code).in_(bindparam("keys", expanding=True)))


def statuses_by_key(items) -> dict[tuple[str, str], Status]:
    """Statuses of items that may belong to different plans, by (plan, code), in one query on exactly
    those items."""
    items = list(items)
    if not items:
        return {}
    # A Core statement: the ORM's result handling cost more than the read itself.
    found = db.session.connection().execute(_STATUSES_OF, {"keys": [(i.plan, i.code) for i in items]})
    rows = {(plan, code): (status, updated_at) for plan, code, status, updated_at in found}
    out = {}
    for item in items:
        status, updated_at = rows.get((item.plan, item.code), (None, None))
        out[item.plan, item.code] = Status(status or NO_REPORT, updated_at, deadline_passed(item.deadline))
    return out


def status_map(items) -> dict[str, Status]:
    """Statuses of items of one plan, by code, in one query (no query per listed item)."""
    return {code: status for (_plan, code), status in statuses_by_key(items).items()}


def status_of(item) -> Status:
    return status_map([item])[item.code]
