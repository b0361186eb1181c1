"""/api/v1/plans: every plan the site serves, and each plan's work points as JSON and CSV.

The addresses without a plan (/api/v1/items …) keep answering for the current plan."""
from __future__ import annotations

from flask import abort, jsonify, url_for

from ..csv_files import csv_response
from ..plan_urls import plan_in_urls
from ..public.plan_routes import status_counts
from ..services import items as item_service
from ..services.content import content, registry
from . import bp
from .items_csv import COLUMNS, rows
from .openapi import EXTRA_PATHS, EXTRA_SCHEMAS, NOT_FOUND, _json

plan_in_urls(bp)


def plan_to_dict(store) -> dict:
    plan = store.plan
    return {"slug": plan.slug, "title": plan.title, "issuer": plan.issuer, "number": plan.number,
            "date": plan.date, "year": plan.year, "kind": plan.kind, "current": plan.slug == registry().current,
            "items": len(store.items), "statuses": status_counts(store),
            "url": {lang: url_for("public.plan_home", lang=lang, plan=plan.slug) for lang in ("zh", "en")},
            "api": url_for("api.plan_items", plan=plan.slug)}


@bp.get("/plans")
def plans():
    return jsonify(plans=[plan_to_dict(s) for s in registry().stores.values()])


@bp.get("/plans/<plan>/items")
def plan_items():
    return jsonify(plan=plan_to_dict(content()), items=item_service.all_items_dicts())


@bp.get("/plans/<plan>/items/<code>")
def plan_item(code: str):
    found = content().item(code)
    if found is None:
        abort(404)
    return jsonify(item_service.item_to_dict(found))


@bp.get("/plans/<plan>/items.csv")
def plan_items_csv():
    slug = content().plan.slug
    return csv_response(COLUMNS, ([row[c] for c in COLUMNS] for row in rows()), f"zhangjiang-{slug}.csv")


SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}, "example": "2023-city-management"}
EXTRA_SCHEMAS["Plan"] = {
    "type": "object",
    "required": ["slug", "title", "issuer", "number", "date", "year", "kind", "current", "items", "statuses", "url", "api"],
    "properties": {
        "slug": {"type": "string"}, "title": {"type": "string"}, "issuer": {"type": "string"},
        "number": {"type": "string"}, "date": {"type": "string", "format": "date"}, "year": {"type": "integer"},
        "kind": {"type": "string"}, "current": {"type": "boolean", "description": "The plan /api/v1/items answers for"},
        "items": {"type": "integer"},
        "statuses": {"type": "object", "additionalProperties": {"type": "integer"}},
        "url": {"$ref": "#/components/schemas/Bilingual"}, "api": {"type": "string"},
    },
}
_ATOM = {"200": {"description": "Atom 1.0", "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
         "404": {"description": "Unknown plan or language"}}
EXTRA_PATHS.update({
    "/api/v1/plans": {"get": {
        "summary": "Every plan on the site, newest first, with its document number and status counts",
        "operationId": "listPlans",
        "responses": {"200": _json({"type": "object", "required": ["plans"], "properties": {
            "plans": {"type": "array", "items": {"$ref": "#/components/schemas/Plan"}}}}, "The plans")},
    }},
    "/api/v1/plans/{slug}/items": {"get": {
        "summary": "One plan's work points with status, targets, places and history",
        "operationId": "listPlanItems", "parameters": [SLUG],
        "responses": {"200": _json({"type": "object", "required": ["plan", "items"], "properties": {
            "plan": {"$ref": "#/components/schemas/Plan"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}, "The plan's work points"),
            "404": NOT_FOUND},
    }},
    "/api/v1/plans/{slug}/items/{code}": {"get": {
        "summary": "One work point of one plan", "operationId": "getPlanItem",
        "parameters": [SLUG, {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
                              "example": "2.3"}],
        "responses": {"200": _json({"$ref": "#/components/schemas/Item"}, "The work point"), "404": NOT_FOUND},
    }},
    "/api/v1/plans/{slug}/items.csv": {"get": {
        "summary": "One plan's work points as CSV (UTF-8 with BOM)", "operationId": "planItemsCsv", "parameters": [SLUG],
        "responses": {"200": {"description": "One row per work point",
                              "content": {"text/csv": {"schema": {"type": "string"}}}}, "404": NOT_FOUND},
    }},
    "/{lang}/plans/{slug}/feed.atom": {"get": {
        "summary": "Atom feed of one plan's latest published updates in one language", "operationId": "planFeed",
        "parameters": [{"name": "lang", "in": "path", "required": True, "schema": {"type": "string", "enum": ["zh", "en"]}},
                       SLUG],
        "responses": _ATOM,
    }},
    "/plans/{slug}/feed.atom": {"get": {
        "summary": "Atom feed of one plan's latest published updates, Chinese and English side by side",
        "operationId": "planFeedBilingual", "parameters": [SLUG], "responses": _ATOM,
    }},
})
