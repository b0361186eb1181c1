"""Page numbers from the query string: ASCII digits only, so "３" or "²" is page 1, never an error."""
from __future__ import annotations

from flask import request

from .extensions import db
from .inputs import ascii_int


def page_arg(name: str = "page") -> int:
    return max(1, request.args.get(name, 1, type=ascii_int))


def paginate(stmt, page: int, per_page: int):
    """Flask-SQLAlchemy's paginator; a page past the end shows the last one instead of an empty list."""
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    if page > 1 and not result.items and result.pages:
        result = db.paginate(stmt, page=result.pages, per_page=per_page, error_out=False, count=True)
    return result
