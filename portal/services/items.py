"""Work points as pages and as open data: the same facts for templates, the API and feeds."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from ..content import Item
from ..extensions import db
from ..models import ItemOutcome, ProjectSite, StatusUpdate, TargetProgress
from ..pagination import paginate
from . import feedback as feedback_service
from . import outcomes as outcome_service
from . import sites as site_service
from .content import content, plan_slug
from .status import Status, status_map, status_of


HISTORY_ON_PAGE = 10  # the latest updates on the item page; the rest are one tap away
SITES_ON_PAGE = 20


def history(item: Item, limit: int | None = None) -> list[StatusUpdate]:
    """Newest first."""
    stmt = (select(StatusUpdate).options(selectinload(StatusUpdate.progress)).where(StatusUpdate.plan == item.plan, StatusUpdate.item_code == item.code)
            .order_by(StatusUpdate.happened_on.desc(), StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))
    return list(db.session.scalars(stmt.limit(limit)))


def history_facts(item: Item) -> tuple[int, dict[str, float]]:
    """How many updates the item has, and each target's latest reported value.

    One statement whatever the item: a count plus one indexed LIMIT 1 look-up per target, so the cost
    does not grow with the length of the history."""
    parts = [select(literal(None).label("key"), func.count(StatusUpdate.id).label("value"))
             .where(StatusUpdate.plan == item.plan, StatusUpdate.item_code == item.code)]
    for target in item.targets:
        newest = (select(TargetProgress.value).join(StatusUpdate)
                  .where(StatusUpdate.plan == item.plan, StatusUpdate.item_code == item.code,
                         TargetProgress.target_key == target.key)
                  .order_by(StatusUpdate.happened_on.desc(), StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
                  .limit(1).subquery())
        parts.append(select(literal(target.key), newest.c.value))
    rows = db.session.execute(union_all(*parts)).all()
    total = next(int(value) for key, value in rows if key is None)
    return total, {key: value for key, value in rows if key is not None}


def sites_at(place_slug: str) -> list[ProjectSite]:
    stmt = (select(ProjectSite).options(selectinload(ProjectSite.stages))
            .where(ProjectSite.plan == plan_slug(), ProjectSite.place_slug == place_slug)
            .order_by(ProjectSite.item_code, ProjectSite.id))
    return list(db.session.scalars(stmt))


def site_counts_by_place() -> dict[str, int]:
    stmt = (select(ProjectSite.place_slug, func.count()).where(ProjectSite.plan == plan_slug())
            .group_by(ProjectSite.place_slug))
    return {slug: n for slug, n in db.session.execute(stmt) if slug}


def latest_progress(entries: list[StatusUpdate]) -> dict[str, float]:
    """The most recent reported value for each target (entries are newest first)."""
    out: dict[str, float] = {}
    for entry in entries:
        for p in entry.progress:
            out.setdefault(p.target_key, p.value)
    return out


def target_progress(item: Item, entries: list[StatusUpdate], sites: list[ProjectSite]) -> dict[str, tuple[float, str]]:
    """Each target's current value and where it comes from: "sites" (counted) or "reported" (typed in)."""
    out: dict[str, tuple[float, str]] = {k: (v, "reported") for k, v in latest_progress(entries).items()}
    out.update({k: (v, "sites") for k, v in site_service.derived_progress(item, sites).items()})
    return out


def progress_rows(item: Item, entries: list[StatusUpdate], sites: list[ProjectSite] | None = None) -> list[dict]:
    return _rows(item, target_progress(item, entries, sites or []))


def _rows(item: Item, current: dict[str, tuple[float, str]]) -> list[dict]:
    rows = []
    for t in item.targets:
        value, source = current.get(t.key, (None, None))
        pct = None if value is None else max(0, min(100, round(100 * value / t.value)))
        rows.append({"target": t, "value": value, "percent": pct, "source": source})
    return rows


def page_context(item: Item, comment_page: int = 1, site_page: int = 1) -> dict:
    """What the item page shows: the latest updates, one page of projects and one page of comments."""
    total, reported = history_facts(item)
    current = {k: (v, "reported") for k, v in reported.items()}
    current.update({k: (v, "sites") for k, v in site_service.derived_from_counts(item, site_service.stage_counts(item.code, item.plan)).items()})
    sites = paginate(site_service.sites_stmt(item.code, item.plan), site_page, SITES_ON_PAGE)
    return {
        "item": item,
        "status": status_of(item),
        "history": history(item, limit=HISTORY_ON_PAGE),
        "history_total": total,
        "progress": _rows(item, current),
        "sites": sites.items,
        "sites_page": sites,
        "comment_page": feedback_service.published_page(item.code, None, comment_page),
        "section": item.section,
    }


@dataclass(frozen=True)
class ItemFacts:
    """One work point as open data: its content, status, published updates (newest first), project
    sites, and each target's current value with where it comes from. The API layer shapes it."""

    item: Item
    status: Status
    history: list[StatusUpdate]
    sites: list[ProjectSite]
    progress: dict[str, tuple[float, str]]
    outcome: ItemOutcome | None = None


def item_facts(item: Item, status: Status | None = None, entries: list[StatusUpdate] | None = None,
               sites: list[ProjectSite] | None = None, outcomes: dict | None = None) -> ItemFacts:
    entries = history(item) if entries is None else entries
    sites = site_service.sites_of(item.code, item.plan) if sites is None else sites
    outcome = (outcome_service.outcome_of(item.plan, item.code) if outcomes is None
               else outcomes.get(item.code))
    return ItemFacts(item, status or status_of(item), entries, sites, target_progress(item, entries, sites), outcome)


def all_item_facts() -> list[ItemFacts]:
    """Every item with its history and sites, in a fixed number of queries whatever the number of items."""
    store = content()
    statuses = status_map(store.items)
    by_code = all_history_by_item(store.plan.slug)
    sites = site_service.all_sites_by_item(store.plan.slug)
    outcomes = outcome_service.outcomes_for(store.plan.slug)
    return [item_facts(i, statuses[i.code], by_code[i.code], sites.get(i.code, []), outcomes) for i in store.items]


def all_history_by_item(plan: str) -> defaultdict[str, list[StatusUpdate]]:
    """Every published update of one plan with its reported values, grouped by work point, newest first, in two queries."""
    stmt = (select(StatusUpdate).options(selectinload(StatusUpdate.progress)).where(StatusUpdate.plan == plan)
            .order_by(StatusUpdate.happened_on.desc(), StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))
    by_code: defaultdict[str, list[StatusUpdate]] = defaultdict(list)
    for entry in db.session.scalars(stmt):
        by_code[entry.item_code].append(entry)
    return by_code
