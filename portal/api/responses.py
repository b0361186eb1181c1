"""JSON answers of the API, always one of the models in schemas.py."""
from __future__ import annotations

from flask import jsonify
from pydantic import BaseModel

from . import schemas as s


def json_response(model: BaseModel, status: int = 200):
    """A model as the JSON answer, through Flask's JSON provider like every other JSON the app sends."""
    return jsonify(model.model_dump(mode="json")), status


def error_response(status: int, message: str, reason: str | None = None):
    return json_response(s.Error(error=s.ErrorDetail(code=status, message=message, reason=reason)), status)
