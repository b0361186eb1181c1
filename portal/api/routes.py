from __future__ import annotations

from flask import abort, jsonify

from ..extensions import csrf
from ..services import items as item_service
from ..services.content import content
from . import bp, build
from . import schemas as s
from .openapi import openapi_document
from .responses import json_response

csrf.exempt(bp)


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
