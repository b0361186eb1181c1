"""The staff back office under /staff: its own login; every route needs it."""
from flask import Blueprint, Flask, redirect, request, url_for

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

# Views that work without a session: everything else redirects to the login page.
PUBLIC_ENDPOINTS = {"staff.login"}


@bp.before_request
def _require_login():
    from ..services.auth import current_staff

    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_staff() is None:
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
    return None


@bp.context_processor
def _staff_globals():
    from ..services.auth import can, current_staff

    return {"staff_user": current_staff(), "can": can}


from . import routes  # noqa: E402,F401
from . import accounts, moderation  # noqa: E402,F401
from . import items  # noqa: E402,F401
from . import street  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from .cli import register_cli

    app.register_blueprint(bp)
    register_cli(app)
