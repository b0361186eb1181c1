"""Today's date in Shanghai; fixed through PORTAL_TODAY in tests and demos."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, current_app

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today(app: Flask | None = None) -> date:
    """`app`: the application, for a caller that has it already (each read of current_app goes through a LocalProxy)."""
    fixed = (app or current_app).config.get("PORTAL_TODAY")
    if fixed:
        return date.fromisoformat(fixed)
    return datetime.now(SHANGHAI).date()


def town_time(stored: datetime) -> datetime:
    """A stored time (naive UTC) in Shanghai, as pages and staff read it (BABEL_DEFAULT_TIMEZONE)."""
    return stored.replace(tzinfo=timezone.utc).astimezone(SHANGHAI)


def town_clock(stored: datetime | None, seconds: bool = False) -> str:
    """A stored time as staff read it, in Shanghai time; "" for none."""
    if stored is None:
        return ""
    return town_time(stored).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def town_day(stored: datetime) -> date:
    """The day in Shanghai of a stored time: a reply written at 07:30 on 2 March is stored as 23:30 on 1 March."""
    return town_time(stored).date()


def deadline_passed(deadline: str, on: date | None = None) -> bool:
    """A deadline month "2023-12" is over once the next month has begun."""
    on = on or today()
    year, month = (int(p) for p in deadline.split("-"))
    return (on.year, on.month) > (year, month)
