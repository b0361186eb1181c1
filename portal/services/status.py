"""Status of a work point: the latest published update, or the computed "no report yet" state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..models import WorkItem
from .clock import deadline_passed

from ..i18n import N_

STATUSES = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "delayed": N_("Delayed"),
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
        return self.deadline_passed and self.code != "completed"


def status_map(items) -> dict[str, Status]:
    """Statuses of many items in one query (no query per listed item)."""
    items = list(items)
    plans = {i.plan for i in items}
    rows = {(w.plan, w.code): w for w in db.session.scalars(select(WorkItem).where(WorkItem.plan.in_(plans)))}
    out = {}
    for item in items:
        row = rows.get((item.plan, item.code))
        code = row.current_status if row and row.current_status else NO_REPORT
        out[item.code] = Status(code, row.status_updated_at if row else None, deadline_passed(item.deadline))
    return out


def status_of(item) -> Status:
    return status_map([item])[item.code]
