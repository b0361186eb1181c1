"""/api/v1/plans: every plan the site serves, and each plan's work points as JSON and CSV.

The addresses without a plan (/api/v1/items …) keep answering for the plan they were published for
(PORTAL_LEGACY_PLAN), whichever plan is current. Under
/api/v1/plans/<plan>/ the plan goes to g.plan (plan_urls), so the services answer for that plan."""
from __future__ import annotations

from flask import url_for

from ..i18n import LANGS
from ..plan_urls import plan_in_urls
from ..public.plan_routes import status_counts
from ..services import items as item_service
from ..services.content import content, legacy_plan, registry
from . import bp, build
from . import schemas as s
from .items_csv import items_csv_response
from .routes import item_json
from .responses import json_response

plan_in_urls(bp)


def plan_shape(store) -> s.Plan:
    found = store.plan
    return s.Plan(slug=found.slug, title=found.title, issuer=found.issuer, number=found.number, date=found.date,
                  year=found.year, kind=found.kind, current=found.slug == registry().current,
                  legacy=found.slug == legacy_plan(),
                  items=len(store.items), statuses=status_counts(store),
                  url=s.Bilingual(**{lang: url_for("public.plan_home", lang=lang, plan=found.slug) for lang in LANGS}),
                  api=url_for("api.plan_items", plan=found.slug))


@bp.get("/plans")
def plans():
    return json_response(s.PlanList(plans=[plan_shape(store) for store in registry().stores.values()]))


@bp.get("/plans/<plan>/items")
def plan_items():
    return json_response(s.PlanItemList(plan=plan_shape(content()),
                                        items=[build.item(f) for f in item_service.all_item_facts()]))


@bp.get("/plans/<plan>/items/<code>")
def plan_item(code: str):
    return item_json(code)


@bp.get("/plans/<plan>/items.csv")
def plan_items_csv():
    return items_csv_response()
