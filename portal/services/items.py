"""Work points as pages and as open data: the same facts for templates, the API and feeds."""
from __future__ import annotations

from flask import url_for
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..content import Item
from ..extensions import db
from ..models import ProjectSite, StatusUpdate
from .content import content
from .status import status_map, status_of


def item_urls(item: Item) -> dict[str, str]:
    return {lang: url_for("public.item", lang=lang, code=item.code) for lang in ("zh", "en")}


def history(item: Item) -> list[StatusUpdate]:
    """Newest first."""
    stmt = (select(StatusUpdate).where(StatusUpdate.item_code == item.code)
            .order_by(StatusUpdate.happened_on.desc(), StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))
    return list(db.session.scalars(stmt))


def sites_of(item: Item) -> list[ProjectSite]:
    stmt = select(ProjectSite).where(ProjectSite.item_code == item.code).order_by(ProjectSite.id)
    return list(db.session.scalars(stmt))


def sites_at(place_slug: str) -> list[ProjectSite]:
    stmt = select(ProjectSite).where(ProjectSite.place_slug == place_slug).order_by(ProjectSite.id)
    return list(db.session.scalars(stmt))


def latest_progress(entries: list[StatusUpdate]) -> dict[str, float]:
    """The most recent reported value for each target (entries are newest first)."""
    out: dict[str, float] = {}
    for entry in entries:
        for p in entry.progress:
            out.setdefault(p.target_key, p.value)
    return out


def progress_rows(item: Item, entries: list[StatusUpdate]) -> list[dict]:
    reported = latest_progress(entries)
    rows = []
    for t in item.targets:
        value = reported.get(t.key)
        pct = None if value is None else max(0, min(100, round(100 * value / t.value)))
        rows.append({"target": t, "value": value, "percent": pct})
    return rows


def page_context(item: Item) -> dict:
    entries = history(item)
    return {
        "item": item,
        "status": status_of(item),
        "history": entries,
        "progress": progress_rows(item, entries),
        "sites": sites_of(item),
        "section": item.section,
    }


def update_to_dict(entry: StatusUpdate) -> dict:
    return {
        "status": entry.status,
        "note": {"zh": entry.note_zh, "en": entry.note_en or ""},
        "happened_on": entry.happened_on.isoformat(),
        "published_at": entry.created_at.isoformat() + "Z",
        "progress": [{"target": p.target_key, "value": p.value} for p in entry.progress],
    }


def item_to_dict(item: Item, status=None, entries: list[StatusUpdate] | None = None, full: bool = True) -> dict:
    status = status or status_of(item)
    data = {
        "code": item.code,
        "section": {"number": item.section.number, "title": item.section.title.as_dict()},
        "subsection": {"code": item.subsection.code, "title": item.subsection.title.as_dict()},
        "title": item.title.as_dict(),
        "summary": item.summary.as_dict(),
        "official_text": item.official_text,
        "departments": [{"slug": o.slug, **o.name.as_dict()} for o in item.offices],
        "deadline": item.deadline,
        "status": status.as_dict(),
        "history": [],
        "targets": [],
        "locations": [{"slug": p.slug, "kind": p.kind, **p.name.as_dict()} for p in item.places],
        "url": item_urls(item),
    }
    if full:
        entries = history(item) if entries is None else entries
        data["history"] = [update_to_dict(e) for e in entries]
        reported = latest_progress(entries)
    else:
        reported = {}
    data["targets"] = [
        {"key": t.key, "metric": t.metric.as_dict(), "value": t.value, "unit": t.unit.as_dict(),
         "comparator": t.comparator, "source_phrase": t.phrase, "progress": reported.get(t.key)}
        for t in item.targets
    ]
    return data


def all_items_dicts() -> list[dict]:
    """Every item with its history, in two queries whatever the number of items."""
    store = content()
    statuses = status_map(store.items)
    stmt = (select(StatusUpdate).options(selectinload(StatusUpdate.progress))
            .order_by(StatusUpdate.happened_on.desc(), StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))
    by_code: dict[str, list[StatusUpdate]] = defaultdict(list)
    for entry in db.session.scalars(stmt):
        by_code[entry.item_code].append(entry)
    return [item_to_dict(i, statuses[i.code], by_code[i.code]) for i in store.items]
