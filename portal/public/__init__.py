"""Public pages under /zh/ and /en/: home, action areas, work points, offices, months, places, notice."""
from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401  (routes attach to bp)
from . import progress_routes  # noqa: E402,F401
from . import mark_routes, moderation_record_routes, poster_routes  # noqa: E402,F401
from . import plan_routes, old_addresses  # noqa: E402,F401
from . import outcome_helpers  # noqa: E402,F401
from ..same_origin import exempt_from_tokens  # noqa: E402

exempt_from_tokens(bp)  # the "this matters to me" button: the origin check guards it
