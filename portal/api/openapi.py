"""The OpenAPI 3.1 document, generated: schemas from the models in schemas.py, paths from OPERATIONS.
An operation is listed only when its endpoint is registered, so the document never names a route the
app does not answer."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..config import FIRST_PLAN
from ..http_caching import answers_304
from ..page_address import public_root
from ..public.old_addresses import old_endpoint
from ..services.content import legacy_plan
from . import schemas as s

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Param:
    """A path parameter; query parameters come from a query model's fields."""

    name: str
    schema: dict
    example: str | None = None


@dataclass(frozen=True)
class Operation:
    path: str
    endpoint: str
    operation_id: str
    summary: str
    body: type[BaseModel] | None = None  # the JSON answer; None with `media` for files and feeds
    description: str = ""
    media: str = "application/json"
    path_params: tuple[Param, ...] = ()
    query: type[BaseModel] | None = None
    errors: dict[int, str] = field(default_factory=dict)  # status code -> what it means
    error_body: bool = True  # False: the error is a page, not an Error object
    status: int = 200  # 301 for an address that moved


LANG = Param("lang", {"type": "string", "enum": ["zh", "en"]})
SLUG = Param("slug", {"type": "string"}, FIRST_PLAN)
CODE = Param("code", {"type": "string"}, "2.3")
ATOM = "application/atom+xml"
# The addresses without a plan answer for the plan they were published for (PORTAL_LEGACY_PLAN), not the
# current one; the document names it (openapi_document) and /api/v1/plans marks it `legacy`.
LEGACY_MARK = "<legacy plan>"
LEGACY = f"the plan {LEGACY_MARK}"
# The addresses from before plans had pages (portal/public/old_addresses.py) answer 301s.
OLD_FEED, OLD_LANG_FEED = old_endpoint("/feed.atom"), old_endpoint("/<lang>/feed.atom")

OPERATIONS = (
    Operation("/api/v1/items", "api.items", "listItems",
              f"The work points of {LEGACY} with status, targets, places and history", s.ItemList,
              "The work points"),
    Operation("/api/v1/items/{code}", "api.item", "getItem",
              f"One work point of {LEGACY} with its status, progress per target, history and project sites",
              s.Item, "The work point", path_params=(CODE,), errors={404: "Not found"}),
    Operation("/api/v1/items.csv", "api.items_csv", "itemsCsv",
              f"The work points of {LEGACY} with their status and latest update, as CSV (UTF-8 with BOM)",
              description="One row per work point; a header row names the columns", media="text/csv"),
    Operation("/api/v1/plans", "api.plans", "listPlans",
              "Every plan on the site, newest first, with its document number and status counts", s.PlanList,
              "The plans"),
    Operation("/api/v1/plans/{slug}/items", "api.plan_items", "listPlanItems",
              "One plan's work points with status, targets, places and history", s.PlanItemList,
              "The plan's work points", path_params=(SLUG,), errors={404: "No such plan"}),
    Operation("/api/v1/plans/{slug}/items/{code}", "api.plan_item", "getPlanItem", "One work point of one plan",
              s.Item, "The work point", path_params=(SLUG, CODE), errors={404: "Not found"}),
    Operation("/api/v1/plans/{slug}/items.csv", "api.plan_items_csv", "planItemsCsv",
              "One plan's work points as CSV (UTF-8 with BOM)", description="One row per work point",
              media="text/csv", path_params=(SLUG,), errors={404: "No such plan"}),
    Operation("/api/v1/search", "search_api.api_search", "search",
              "Full-text search over the work points of every plan (Chinese with word segmentation, and English)",
              s.SearchResults, "Results, best first", query=s.SearchQuery,
              errors={400: "The query cannot be searched: `error.reason` says why (empty, too_long, nothing_searchable, "
                           "invalid_parameter, unknown_plan) and `error.message` says it in English",
                      503: "Search is unavailable just now (its index cannot be read or rebuilt); the other "
                           "endpoints still answer"}),
    Operation("/plans/{slug}/feed.atom", "public.feed", "planFeedBilingual",
              "Atom feed of one plan's latest published updates, Chinese and English side by side",
              description="Atom 1.0", media=ATOM, path_params=(SLUG,), errors={404: "Unknown plan"},
              error_body=False),
    Operation("/{lang}/plans/{slug}/feed.atom", "public.feed", "planFeed",
              "Atom feed of one plan's latest published updates in one language", description="Atom 1.0",
              media=ATOM, path_params=(LANG, SLUG), errors={404: "Unknown plan or language"}, error_body=False),
    Operation("/feed.atom", OLD_FEED, "feed", f"Moved permanently (301) to /plans/{{slug}}/feed.atom of {LEGACY}",
              description=f"The feed of {LEGACY}", media="", status=301),
    Operation("/{lang}/feed.atom", OLD_LANG_FEED, "feedInLanguage",
              f"Moved permanently (301) to /{{lang}}/plans/{{slug}}/feed.atom of {LEGACY}",
              description=f"The feed of {LEGACY} in this language", media="", status=301, path_params=(LANG,),
              errors={404: "Unknown language"}, error_body=False),
    Operation("/api/v1/openapi.json", "api.openapi", "openapi", "This document", description="OpenAPI document",
              media=""),
)

INFO = {
    "title": "Zhangjiang work points open data",
    "version": "1.0.0",
    "description": "The work points of each yearly notice (the first: 浦张府〔2023〕45号), their status and progress. "
                   "Texts come in Chinese (zh) and English (en).",
    "license": {"name": "Public information", "identifier": "CC0-1.0"},
}


def _schema(model: type[BaseModel]) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _said(text: str) -> str:
    """A summary or description with the legacy plan named."""
    return text.replace(LEGACY_MARK, legacy_plan())


def _ok(op: Operation) -> dict:
    if op.body is not None:
        return {"description": _said(op.description), "content": {op.media: {"schema": _schema(op.body)}}}
    if not op.media:
        return {"description": _said(op.description)}
    return {"description": _said(op.description), "content": {op.media: {"schema": {"type": "string"}}}}


def _error(op: Operation, code: int) -> dict:
    out = {"description": op.errors[code]}
    return {**out, "content": {"application/json": {"schema": _schema(s.Error)}}} if op.error_body else out


def _query_params(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema()
    out = []
    for name, prop in schema["properties"].items():
        prop.pop("title", None)
        out.append({"name": name, "in": "query", "required": name in schema.get("required", ()),
                    "description": prop.pop("description", ""), "schema": prop})
    return out


ETAG = {"ETag": {"description": "A weak validator; send it back in If-None-Match to be answered 304 while it is "
                               "current", "schema": {"type": "string"}}}
NOT_MODIFIED = {"description": "Not modified: the If-None-Match sent names the current ETag (no body)", "headers": ETAG}


def _operation(op: Operation) -> dict:
    params = [{"name": p.name, "in": "path", "required": True, "schema": p.schema,
               **({"example": p.example} if p.example else {})} for p in op.path_params]
    params += _query_params(op.query) if op.query else []
    responses = {str(op.status): _ok(op)}
    if op.status == 200 and answers_304(op.endpoint):  # http_caching.py revalidates it before the view runs
        responses = {"200": {**responses["200"], "headers": ETAG}, "304": NOT_MODIFIED}
    out = {"summary": _said(op.summary), "operationId": op.operation_id,
           "responses": {**responses, **{str(code): _error(op, code) for code in op.errors}}}
    return {**({"parameters": params} if params else {}), **out}


def component_schemas() -> dict:
    models = [op.body for op in OPERATIONS if op.body] + [s.Error]
    _, defs = models_json_schema([(m, "serialization") for m in models], ref_template=REF)
    return defs["$defs"]


def _server() -> str:
    if current_app.config.get("PUBLIC_URL"):
        return public_root() + request.script_root
    return request.script_root or "/"


def openapi_document() -> dict:
    known = current_app.view_functions
    return {
        "openapi": "3.1.0",
        "info": INFO,
        # The paths below start at the site's root: the public address when set, else this one.
        "servers": [{"url": _server()}],
        "paths": {op.path: {"get": _operation(op)} for op in OPERATIONS if op.endpoint in known},
        "components": {"schemas": component_schemas()},
    }
