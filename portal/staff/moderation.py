"""Moderation of resident comments: the queue, decisions one by one or in bulk, the CSV export.

Every decision is a service call (services/feedback.py), which checks the comment's current state,
writes the audit log and re-indexes search. A form with errors is shown again with what was typed.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..csv_files import csv_response
from ..extensions import db
from ..pagination import page_arg
from ..models import Feedback
from ..services import auth
from ..services import feedback as service
from ..services.clock import today
from ..services.content import content
from ..services.errors import NotAllowed
from ..services.feedback_export import export
from . import bp
from .forms import ApproveForm, BulkForm, HideForm, RejectForm, ReplyForm
from .routes import _safe_next

# Which decisions apply to a comment as it is now; the service refuses the others anyway.
ACTIONS = {
    "approve": (ApproveForm, service.can_approve),
    "reject": (RejectForm, lambda fb: fb.state == "pending"),
    "hide": (HideForm, lambda fb: fb.state == "published"),
    "reply": (ReplyForm, lambda fb: fb.state == "published"),
}


def _prefix(fb: Feedback) -> str:
    # Many comments share a page: the prefix keeps each form's field ids unique.
    return f"c{fb.id}"


def forms_for(fb: Feedback, bound: dict | None = None) -> dict:
    bound = bound or {}
    return {name: bound.get(name) or cls(prefix=_prefix(fb), formdata=None)
            for name, (cls, applies) in ACTIONS.items() if applies(fb)}


def _list_url(view: str, office: str | None) -> str:
    return url_for("staff.moderation", view=view if view != "queue" else None, office=office or None)


def _card_context(comments: list[Feedback]) -> dict:
    names = service.moderator_names(comments)
    return {
        "items": {fb.id: content(fb.plan).item(fb.item_code) for fb in comments},
        "flags": service.flags_by_comment([fb.id for fb in comments if fb.flag_count]),
        "forms_for": forms_for,
        "moderator_name": names.get,
        "state_labels": service.STATES,
    }


def _render_list(bulk: BulkForm, status: int = 200):
    view = request.args.get("view", "queue")
    if view not in service.VIEWS:
        abort(404)
    office = request.args.get("office") or None
    if office and content().office(office) is None:
        abort(404)
    listing = service.moderation_list(view, office, page_arg())
    comments = listing.items
    here = _list_url(view, office)
    if not bulk.next.data:
        bulk.next.data = here
    return render_template(
        "staff/moderation.html", comments=comments, listing=listing, view=view, office=office, views=service.VIEWS,
        offices=content().offices, counts=service.counts(office), bulk=bulk, here=here,
        ticked=set(bulk.ids.data or ()), **_card_context(comments),
    ), status


@bp.route("/moderation", methods=["GET", "POST"])
@auth.requires("moderate")
def moderation():
    """GET: the list (pending and reported by default). POST: a bulk decision on the ticked comments."""
    if request.method == "GET":
        return _render_list(BulkForm(formdata=None))
    bulk = BulkForm()
    if not bulk.validate_on_submit():
        return _render_list(bulk, 400)
    actor = auth.current_staff()
    if bulk.action.data == "approve":
        result = service.bulk_approve(bulk.ids.data, actor)
        flash(ngettext("%(num)s comment published.", "%(num)s comments published.", len(result.done)))
    else:
        result = service.bulk_reject(bulk.ids.data, bulk.reason.data, actor, bulk.reason_code.data)
        flash(ngettext("%(num)s comment not published or removed; the reason is kept.",
                       "%(num)s comments not published or removed; the reason is kept.", len(result.done)))
    if result.skipped:
        flash(_("Left unchanged because their state had changed meanwhile: %(codes)s",
                codes=", ".join(fb.tracking_code for fb in result.skipped)))
    if result.missing:
        flash(_("%(n)s selected comments no longer exist.", n=len(result.missing)))
    return redirect(_safe_next(bulk.next.data))


def _render_detail(fb: Feedback, bound: dict | None = None, error: str | None = None, status: int = 200):
    return render_template("staff/feedback_detail.html", fb=fb, bound=bound or {}, error=error,
                           back=_safe_next(request.values.get(f"{_prefix(fb)}-next") or request.args.get("next")
                                           or url_for("staff.moderation")),
                           **_card_context([fb])), status


@bp.get("/feedback/<int:feedback_id>")
@auth.requires("moderate")
def feedback_detail(feedback_id: int):
    return _render_detail(db.get_or_404(Feedback, feedback_id))


def _decide(feedback_id: int, name: str, apply, done_message: str):
    fb = db.get_or_404(Feedback, feedback_id)
    form = ACTIONS[name][0](prefix=_prefix(fb))
    if not form.validate_on_submit():
        return _render_detail(fb, bound={name: form}, status=400)
    try:
        apply(fb, form, auth.current_staff())
    except NotAllowed as exc:
        db.session.rollback()
        return _render_detail(fb, error=exc.translated(), status=409)
    flash(done_message % {"code": fb.tracking_code})
    return redirect(_safe_next(form.next.data))


@bp.post("/feedback/<int:feedback_id>/approve")
@auth.requires("moderate")
def approve(feedback_id: int):
    return _decide(feedback_id, "approve", lambda fb, f, actor: service.approve(fb, actor, reply=f.reply.data,
                                                                                 expected_state=f.seen.data or None),
                   _("Comment %(code)s is published."))


@bp.post("/feedback/<int:feedback_id>/reject")
@auth.requires("moderate")
def reject(feedback_id: int):
    return _decide(feedback_id, "reject", lambda fb, f, actor: service.reject(fb, f.reason.data, actor, f.seen.data or None,
                                                                                  f.reason_code.data),
                   _("Comment %(code)s will not be published; the resident sees the reason."))


@bp.post("/feedback/<int:feedback_id>/hide")
@auth.requires("moderate")
def hide(feedback_id: int):
    return _decide(feedback_id, "hide", lambda fb, f, actor: service.hide(fb, f.reason.data, actor, f.seen.data or None,
                                                                            f.reason_code.data),
                   _("Comment %(code)s was removed from the site; the resident sees the reason."))


@bp.post("/feedback/<int:feedback_id>/reply")
@auth.requires("moderate")
def reply(feedback_id: int):
    return _decide(feedback_id, "reply", lambda fb, f, actor: service.reply(fb, f.reply.data, actor, f.seen.data or None),
                   _("The reply to comment %(code)s is published."))


@bp.get("/feedback.csv")
@auth.requires("moderate")
def feedback_csv():
    office = request.args.get("office") or None
    if office and content().office(office) is None:
        abort(404)
    header, rows = export(office, actor=auth.current_staff())
    return csv_response(header, rows, f"feedback-{office or 'all'}-{today():%Y%m%d}.csv")


@bp.context_processor
def _moderation_counts():
    # A function, so only the pages that show the counts (dashboard) run the queries.
    return {"feedback_counts": service.counts}
