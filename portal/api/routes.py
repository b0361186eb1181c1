from __future__ import annotations

from flask import abort, jsonify

from ..extensions import csrf
from ..services import items as item_service
from ..services.content import content
from . import bp
from .openapi import openapi_document

csrf.exempt(bp)


@bp.get("/items")
def items():
    return jsonify(items=item_service.all_items_dicts())


@bp.get("/items/<code>")
def item(code: str):
    found = content().item(code)
    if found is None:
        abort(404)
    return jsonify(item_service.item_to_dict(found))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
