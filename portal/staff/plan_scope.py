"""Staff work on any plan's work points, not only the current plan's: a plan's items stay open for updates,
projects, posters and progress sheets after next year's notice becomes current (a task running late is
reported on until it is done).

The work-point and progress-sheet pages take the plan as `?plan=<slug>`: it goes to g.plan, which every service reads
(services.content.content, plan_slug), and every link and form address those pages build keeps it (the
url_defaults below), so a form posts to the plan it was built for. Without it they show the current plan,
at the addresses they always had.
"""
from __future__ import annotations

from flask import abort, g, request

from ..services.content import content, registry
from . import bp

SCOPED_ENDPOINTS = frozenset({
    "staff.items", "staff.item", "staff.add_site", "staff.site_stage", "staff.item_posters",
    "staff.sheets", "staff.sheet_download", "staff.sheet_upload", "staff.sheet_preview", "staff.sheet_publish",
})


@bp.before_request
def _plan_in_view():
    if request.endpoint not in SCOPED_ENDPOINTS:
        return None
    slug = request.args.get("plan", "", type=str)
    if not slug:
        return None
    if registry().store(slug) is None:
        abort(404)
    if slug != registry().current:
        g.plan = slug
    return None


def other_plan():
    """The plan in view when it is not the current one: the pages then say so."""
    return content().plan if g.get("plan") else None


@bp.url_defaults
def _keep_plan(endpoint: str, values: dict) -> None:
    plan = g.get("plan")
    if plan and endpoint in SCOPED_ENDPOINTS and "plan" not in values:
        values["plan"] = plan
