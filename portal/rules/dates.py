"""The date something happened: not in the future, not before the notice."""
from __future__ import annotations

from datetime import date

from ..i18n import N_
from ..services.sites import notice_date  # the notice's date is published data, in its plan.yaml


def parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def day_problem(day: date | None, today: date) -> str | None:
    if not isinstance(day, date):
        return N_("Please give the date as YYYY-MM-DD.")
    if day > today:
        return N_("The date cannot be in the future.")
    if day < notice_date():
        return N_("The date cannot be before the date of the notice.")  # of the plan in view: not always 2023
    return None
