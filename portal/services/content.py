"""Access to the loaded plans and syncing their item codes into the database."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy import select

from ..content import ContentStore, PlanRegistry, load_plans
from ..extensions import db
from ..models import WorkItem


def registry() -> PlanRegistry:
    return current_app.extensions["portal_plans"]


def content(plan: str | None = None) -> ContentStore:
    """The store of `plan`, else of the plan the request is about (g.plan, set from /plans/<slug>/ addresses),
    else of the current plan. Code-based lookups in services go through this, so they take the plan.

    A plan named but not served (a record's plan, since unpublished) has an empty store: its codes name
    other work points in the current plan, which must never stand in for them."""
    plans = registry()
    if plan:
        return plans.store(plan) or _unserved(plan)
    return plans.store(g.get("plan")) or plans.current_store


def _unserved(plan: str) -> ContentStore:
    return ContentStore(notice=None, sections=[], items=[], offices=[], places=[], glossary=[], aliases=[])


def plan_slug() -> str:
    """The slug of the plan in view: the one every database query by item code filters on."""
    return content().plan.slug


def legacy_plan() -> str:
    """The plan of the addresses from before plans had their own pages (LEGACY_PLAN), or the current
    plan on a site that does not serve it."""
    slug = current_app.config.get("LEGACY_PLAN")
    return slug if slug and registry().store(slug) is not None else registry().current


def init_content(app) -> None:
    plans = load_plans(app.config["CONTENT_DIR"], app.config.get("CURRENT_PLAN"))
    app.extensions["portal_plans"] = plans
    # The current plan's store, for code written when the site served one plan (search set-up, health).
    app.extensions["portal_content"] = plans.current_store


def sync_items(store: ContentStore | None = None) -> dict[str, int]:
    """Make sure every work point of every served plan has its row; safe to run again (no duplicates, nothing lost).

    `store` limits the sync to one plan."""
    stores = [store] if store is not None else list(registry().stores.values())
    existing = {(w.plan, w.code): w for w in db.session.scalars(select(WorkItem))}
    added = updated = total = 0
    for one in stores:
        for item in one.items:
            row = existing.get((item.plan, item.code))
            if row is None:
                db.session.add(WorkItem(plan=item.plan, code=item.code, section=item.section.number,
                                        deadline=item.deadline))
                added += 1
            elif row.deadline != item.deadline or row.section != item.section.number:
                row.deadline, row.section = item.deadline, item.section.number
                updated += 1
        total += len(one.items)
    db.session.commit()
    return {"added": added, "updated": updated, "total": total}
