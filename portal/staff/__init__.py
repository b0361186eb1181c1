"""The staff back office under /staff: its own login; every route needs it."""
from flask import Blueprint, Flask, redirect, request, url_for

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

# Views that work without a session: everything else redirects to the login page.
PUBLIC_ENDPOINTS = {"staff.login", "staff.login_code"}
# What an admin who must set up a second factor (PORTAL_REQUIRE_2FA=1) may reach before doing so.
ENROLMENT_ENDPOINTS = {"staff.two_factor", "staff.two_factor_enable", "staff.logout"}


@bp.before_request
def _require_login():
    from ..services.auth import current_staff
    from ..services.two_factor import needs_enrolment

    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user = current_staff()
    if user is None and request.method == "POST":
        return _login_again()
    if user is None:
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
    if needs_enrolment(user) and request.endpoint not in ENROLMENT_ENDPOINTS:
        return redirect(url_for("staff.two_factor"))
    return None


def _login_again():
    """The session ended while a form was being filled in. Login returns to the page the form was on,
    not to the address it posts to (which takes only posts). What was typed into the form is kept as a
    draft (staff/drafts.py) and put back into that form once the staff member is on its page again;
    the login page says so, and shows the text too, for when the draft cannot be used."""
    from flask import render_template

    from ..forms import typed_text
    from .drafts import came_from, keep_typed
    from .forms import LoginForm
    from .routes import _safe_next

    page = came_from()
    back = _safe_next(page)
    typed = typed_text()
    if not typed:
        return redirect(url_for("staff.login", next=back))
    return render_template("staff/login.html", form=LoginForm(formdata=None), typed=typed,
                           kept=keep_typed(page), action=url_for("staff.login", next=back)), 401


@bp.context_processor
def _staff_globals():
    from ..services.auth import can, current_staff
    from ..services.clock import town_clock
    from . import audit_view, drafts

    return {"staff_user": current_staff(), "can": can, "draft_left_over": drafts.left_over, "drafts_elsewhere": drafts.elsewhere,
            "town_clock": town_clock,
            "audit_rows": audit_view.rows_of, "action_label": audit_view.action_label,
            "audit_item_code": audit_view.item_code_of, "target_name": audit_view.target_name,
            "status_text_in": audit_view.status_text_in}


from . import routes  # noqa: E402,F401
from . import accounts, moderation  # noqa: E402,F401
from . import items  # noqa: E402,F401
from . import street  # noqa: E402,F401
from . import own_account  # noqa: E402,F401
from . import search_report  # noqa: E402,F401
from . import sheets  # noqa: E402,F401
from . import outcomes  # noqa: E402,F401
from . import plan_scope  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from ..extensions import login_manager
    from .cli import register_cli

    login_manager.init_app(app, add_context_processor=False)
    app.register_blueprint(bp)
    # First of all before_request hooks: see sheets.allow_sheet_upload.
    app.before_request_funcs.setdefault(None, []).insert(0, sheets.allow_sheet_upload)
    register_cli(app)
