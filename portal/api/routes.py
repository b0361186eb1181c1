from __future__ import annotations

from flask import abort, g, jsonify, request

from ..extensions import csrf
from ..services import items as item_service
from ..services.content import content, legacy_plan
from . import bp, build
from . import schemas as s
from .openapi import openapi_document
from .responses import json_response

csrf.exempt(bp)
# The API from before plans had their own addresses keeps answering for the plan it was published for.
LEGACY_ENDPOINTS = frozenset({"api.items", "api.item", "api.items_csv"})


@bp.before_request
def _legacy_plan():
    if request.endpoint in LEGACY_ENDPOINTS:
        g.plan = legacy_plan()


@bp.get("/items")
def items():
    return json_response(s.ItemList(items=[build.item(f) for f in item_service.all_item_facts()]))


@bp.get("/items/<code>")
def item(code: str):
    found = content().item(code)
    if found is None:
        abort(404)
    return json_response(build.item(item_service.item_facts(found)))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
