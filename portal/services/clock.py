"""Today's date in Shanghai; fixed through PORTAL_TODAY in tests and demos."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    fixed = current_app.config.get("PORTAL_TODAY")
    if fixed:
        return date.fromisoformat(fixed)
    return datetime.now(SHANGHAI).date()


def deadline_passed(deadline: str, on: date | None = None) -> bool:
    """A deadline month "2023-12" is over once the next month has begun."""
    on = on or today()
    year, month = (int(p) for p in deadline.split("-"))
    return (on.year, on.month) > (year, month)
