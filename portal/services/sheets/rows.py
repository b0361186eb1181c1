"""The rows a sheet is written with: the same function gives what the checker expects in locked columns."""
from __future__ import annotations

from datetime import date, datetime

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..sites import site_history
from .state import ItemState, stage_label, status_label


def office_names(item) -> str:
    return "、".join(o.name.zh for o in item.offices)


def deadline_text(deadline: str) -> str:
    # "2023年12月", not "2023-12": a spreadsheet program would turn the latter into a date.
    year, month = deadline.split("-")
    return f"{int(year)}年{int(month)}月"


def number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def item_rows(state: ItemState) -> list[dict]:
    """One row per target (a work point without targets gets one row, for its status)."""
    item = state.item
    reported, derived = state.reported(), state.derived()
    latest = state.latest
    base = {"code": item.code, "title": item.title.zh, "office": office_names(item),
            "deadline": deadline_text(item.deadline), "status": status_label(state.status),
            "version": latest.id if latest else None}
    rows = []
    for t in item.targets or (None,):
        row = dict(base, target="", metric="", unit="", target_value=None, last_value=None,
                   last_date=latest.happened_on if latest else None)
        if t is not None:
            value = derived.get(t.key, reported.get(t.key, (None, None))[0])
            row.update(target=t.key, metric=t.metric.zh, unit=t.unit.zh, target_value=number(t.value),
                       last_value=number(value))
        rows.append(row)
    return rows


def site_row(site) -> dict:
    newest = site_history(site)[0] if site.stages else None
    return {"site_id": site.id, "code": site.item_code, "target": site.target_key or "",
            "place": _place_name(site.place_slug), "name_zh": site.name_zh, "name_en": site.name_en or "",
            "building": site.building or "", "stage": stage_label(site.stage),
            "last_date": newest.happened_on if newest else None, "version": newest.id if newest else None}


def _place_name(slug: str | None) -> str:
    from ..content import content

    place = content().place(slug) if slug else None
    return place.name.zh if place else ""


def cell_text(value) -> str:
    """A cell as text, the same whether it came from openpyxl, a CSV file or the database."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    # Control characters cannot be stored in a worksheet; dropped alike on both sides of every comparison.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)).strip()
