"""Page numbers from the query string: ASCII digits only, so "３" or "²" is page 1, never an error."""
from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import SelectPagination

from .extensions import db
from .inputs import ascii_int


def page_arg(name: str = "page") -> int:
    return max(1, request.args.get(name, 1, type=ascii_int))


class _Pagination(SelectPagination):
    """Flask-SQLAlchemy's paginator, without the count query when the page itself tells the total: a
    page that is not full is the last one. Most threads and project lists fit on one page."""

    def _query_count(self) -> int:
        if 0 < len(self.items) < self.per_page or (self.page == 1 and not self.items):
            return (self.page - 1) * self.per_page + len(self.items)
        return super()._query_count()


def paginate(stmt, page: int, per_page: int):
    """A page past the end shows the last one instead of an empty list."""
    result = _Pagination(select=stmt, session=db.session(), page=page, per_page=per_page, error_out=False)
    if page > 1 and not result.items and result.pages:
        result = _Pagination(select=stmt, session=db.session(), page=result.pages, per_page=per_page, error_out=False)
    return result
