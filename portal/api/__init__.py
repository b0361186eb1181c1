"""Open-data JSON API under /api/v1, described by its own OpenAPI document."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401
from . import items_csv  # noqa: E402,F401
from . import plans  # noqa: E402,F401
