from __future__ import annotations

from flask import g, jsonify, request

from .. import fragments
from ..extensions import csrf
from ..services import items as item_service
from ..lookups import item_or_404
from ..services.content import legacy_plan
from . import bp, build
from . import schemas as s
from .openapi import openapi_document

csrf.exempt(bp)
# The API from before plans had their own addresses keeps answering for the plan it was published for.
LEGACY_ENDPOINTS = frozenset({"api.items", "api.item", "api.items_csv"})


@bp.before_request
def _legacy_plan():
    if request.endpoint in LEGACY_ENDPOINTS:
        g.plan = legacy_plan()


@bp.get("/items")
def items():
    return fragments.cached_json("api-items", lambda: s.ItemList(items=[build.item(f) for f in item_service.all_item_facts()]))


@bp.get("/items/<code>")
def item(code: str):
    return item_json(code)


def item_json(code: str):
    """One work point of the plan in view as the API's Item (a JSON 404 when there is none)."""
    found = item_or_404(code)  # outside the kept part: an unknown code is a 404 every time
    return fragments.cached_json("api-item", lambda: build.item(item_service.item_facts(found)))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
