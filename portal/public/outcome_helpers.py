"""Template helpers for outcomes: the item page's `_outcome.html` and the dashboard's outcome table."""
from __future__ import annotations

from flask import g, url_for
from flask_babel import gettext

from ..services import outcome_views, plan_links
from ..services.outcomes import LABELS
from . import bp

# Outcomes reuse the status badge colours (the label, not the colour, carries the meaning).
BADGE = {"completed": "completed", "partly_completed": "in_progress", "not_completed": "delayed",
         "carried_over": "in_progress"}


def _summary():
    return outcome_views.summary(url_for_area=lambda n: url_for("public.area", number=n),
                                 url_for_office=lambda slug: url_for("public.office", slug=slug))


@bp.record_once
def _outcome_helpers(state):
    state.app.jinja_env.globals.update({
        "outcome_view": outcome_views.item_view, "outcome_summary": _summary,
        "outcome_label": lambda kind: gettext(LABELS[kind]), "outcome_badge": lambda kind: BADGE[str(kind)],
        "outcome_kinds": outcome_views.KIND_ORDER,
        "plan_item_url": lambda ref: plan_links.item_url(ref, g.get("lang") or "zh")})
