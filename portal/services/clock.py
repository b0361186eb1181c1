"""Today's date in Shanghai; fixed through PORTAL_TODAY in tests and demos."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    fixed = current_app.config.get("PORTAL_TODAY")
    if fixed:
        return date.fromisoformat(fixed)
    return datetime.now(SHANGHAI).date()


def town_day(stored: datetime) -> date:
    """The day in Shanghai of a stored time (naive UTC), as pages show it (BABEL_DEFAULT_TIMEZONE): a reply
    written at 07:30 on 2 March is stored as 23:30 on 1 March."""
    return stored.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).date()


def deadline_passed(deadline: str, on: date | None = None) -> bool:
    """A deadline month "2023-12" is over once the next month has begun."""
    on = on or today()
    year, month = (int(p) for p in deadline.split("-"))
    return (on.year, on.month) > (year, month)
