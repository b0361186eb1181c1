"""Moderation of resident comments: the queue, decisions one by one or in bulk, the CSV and .xlsx exports.

Every decision is a service call (services/feedback.py), which checks the comment's current state,
writes the audit log and re-indexes search. A form with errors is shown again with what was typed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wsgi import wrap_file

from .. import xlsx_files
from ..csv_files import csv_response, download
from ..extensions import db
from ..i18n import count_words
from ..pagination import page_arg
from ..models import Feedback
from ..services import auth
from ..services import feedback as service
from ..services import public_text
from ..services.clock import today
from ..services.content import content
from ..services.errors import NotAllowed
from ..services.feedback_export import WIDTHS, export
from ..services.moderation_transitions import ModerationAction, allowed_actions
from ..states import ModerationState
from . import bp
from .drafts import put_back
from .forms import ApproveForm, BulkForm, HideForm, RejectForm, ReplyForm
from .public_text_check import held_back
from .routes import _safe_next

FORMS = {ModerationAction.APPROVE: ApproveForm, ModerationAction.REJECT: RejectForm, ModerationAction.HIDE: HideForm,
         ModerationAction.REPLY: ReplyForm}


@dataclass(frozen=True)
class CardAction:
    """One decision offered on a comment's card: its form, where it posts, and its wording."""

    name: str
    form: object
    url: str
    summary: str
    button: str
    text: object  # the form's text field: the reason, or the reply
    reason_code: object | None
    primary: bool  # publishing is the main button; the others open on demand


def _prefix(fb: Feedback) -> str:
    # Many comments share a page: the prefix keeps each form's field ids unique.
    return f"c{fb.id}"


def _wording(fb: Feedback, action: ModerationAction) -> tuple[str, str]:
    if action == ModerationAction.APPROVE:
        return _("Add an official reply"), {
            ModerationState.PUBLISHED: _("Keep published and dismiss the reports"),
            ModerationState.PENDING: _("Approve and publish"),
        }.get(fb.state, _("Publish after all"))
    if action == ModerationAction.REJECT:
        return _("Reject…"), _("Do not publish")
    if action == ModerationAction.HIDE:
        return _("Remove from the site…"), _("Remove from the site")
    return (_("Change the official reply…") if fb.reply_body else _("Write an official reply…")), _("Publish the reply")


def actions_for(fb: Feedback, bound: dict | None = None) -> list[CardAction]:
    """The decisions the transition table allows on the comment as it is now, in the order shown."""
    out = []
    for action in allowed_actions(fb):
        # Changing a reply starts from the one published: fixing a typo should not mean typing it all again.
        start = {"reply": fb.reply_body} if action == ModerationAction.REPLY and fb.reply_body else {}
        url = url_for(f"staff.{action}", feedback_id=fb.id)
        form = (bound or {}).get(action) or put_back(FORMS[action](prefix=_prefix(fb), formdata=None, **start), url)
        summary, button = _wording(fb, action)
        out.append(CardAction(action, form, url, summary, button,
                              getattr(form, "reason", None) or form.reply, getattr(form, "reason_code", None),
                              action == ModerationAction.APPROVE))
    return out


def _list_url(view: str, office: str | None, page: int = 1) -> str:
    """The list as the moderator sees it, where a decision taken on it leads back to."""
    return url_for("staff.moderation", view=view if view != "queue" else None, office=office or None,
                   page=page if page > 1 else None)


def _card_context(comments: list[Feedback], bound: dict | None = None) -> dict:
    names = service.moderator_names(comments)
    return {
        "items": {fb.id: content(fb.plan).item(fb.item_code) for fb in comments},
        "flags": service.flags_by_comment([fb.id for fb in comments if fb.flag_count]),
        "actions": {fb.id: actions_for(fb, bound) for fb in comments},
        "moderator_name": names.get,
        "state_labels": service.STATES,
        "version": service.version,
    }


def _render_list(bulk: BulkForm, status: int = 200):
    view = request.args.get("view", "queue")
    if view not in service.VIEWS:
        abort(404)
    office = request.args.get("office") or None
    if office and content().office(office) is None:
        abort(404)
    page = page_arg()
    listing = service.moderation_list(view, office, page)
    comments = listing.items
    here = _list_url(view, office, page)
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
    if request.method != "POST":  # GET, and HEAD: a GET without its body
        return _render_list(put_back(BulkForm(formdata=None), url_for("staff.moderation")))
    bulk = BulkForm()
    valid = bulk.validate_on_submit()
    # The reason goes to every ticked comment's tracking page: checked against each resident's contact.
    held, found = (held_back(bulk, contacts=service.contacts_of(bulk.ids.data or ()))
                   if bulk.action.data == "reject" else (False, {}))
    if not valid or held:
        return _render_list(bulk, 400)
    actor = auth.current_staff()
    if bulk.action.data == "approve":
        result = service.bulk_approve(bulk.ids.data, actor)
        flash(count_words("%(num)s comment published.", "%(num)s comments published.", len(result.done)))
    else:
        result = service.bulk_reject(bulk.ids.data, bulk.reason.data, actor, bulk.reason_code.data)
        for fb in result.done if found else ():
            public_text.record_published_anyway("feedback", fb.id, found, actor)
        flash(count_words("%(num)s comment not published or removed; the reason is kept.",
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
                           **_card_context([fb], bound)), status


@bp.get("/feedback/<int:feedback_id>")
@auth.requires("moderate")
def feedback_detail(feedback_id: int):
    return _render_detail(db.get_or_404(Feedback, feedback_id))


def _decide(feedback_id: int, name: ModerationAction, apply, done_message: str):
    fb = db.get_or_404(Feedback, feedback_id)
    form = FORMS[name](prefix=_prefix(fb))
    valid = form.validate_on_submit()
    # A reply is public, a reason shown on the tracking page: a resident's number in either (or the landline
    # they gave) sends the form back.
    held, found = held_back(form, contacts=[fb.contact])
    if not valid or held:
        return _render_detail(fb, bound={name: form}, status=400)
    actor = auth.current_staff()
    try:
        apply(fb, form, actor)
    except NotAllowed as exc:
        db.session.rollback()
        # The typed reply or reason comes back: in its form if the action still applies, else beside it.
        return _render_detail(fb, bound={name: form}, error=exc.translated(), status=409)
    if found:
        public_text.record_published_anyway("feedback", fb.id, found, actor)
    flash(done_message % {"code": fb.tracking_code})
    return redirect(_safe_next(form.next.data))


@bp.post("/feedback/<int:feedback_id>/approve")
@auth.requires("moderate")
def approve(feedback_id: int):
    return _decide(feedback_id, ModerationAction.APPROVE, lambda fb, f, actor: service.approve(fb, actor, reply=f.reply.data,
                                                                                 expected_state=f.seen.data or None),
                   _("Comment %(code)s is published."))


@bp.post("/feedback/<int:feedback_id>/reject")
@auth.requires("moderate")
def reject(feedback_id: int):
    return _decide(feedback_id, ModerationAction.REJECT, lambda fb, f, actor: service.reject(fb, f.reason.data, actor, f.seen.data or None,
                                                                                  f.reason_code.data),
                   _("Comment %(code)s will not be published; the resident sees the reason."))


@bp.post("/feedback/<int:feedback_id>/hide")
@auth.requires("moderate")
def hide(feedback_id: int):
    return _decide(feedback_id, ModerationAction.HIDE, lambda fb, f, actor: service.hide(fb, f.reason.data, actor, f.seen.data or None,
                                                                            f.reason_code.data),
                   _("Comment %(code)s was removed from the site; the resident sees the reason."))


@bp.post("/feedback/<int:feedback_id>/reply")
@auth.requires("moderate")
def reply(feedback_id: int):
    return _decide(feedback_id, ModerationAction.REPLY, lambda fb, f, actor: service.reply(fb, f.reply.data, actor, f.seen.data or None),
                   _("The reply to comment %(code)s is published."))


def _office_arg() -> str | None:
    office = request.args.get("office") or None
    if office and content().office(office) is None:
        abort(404)
    return office


@bp.get("/feedback.csv")
@auth.requires("moderate")
def feedback_csv():
    """For other programs: Excel shows a phone number in it as 1.38E+10 (the .xlsx below does not)."""
    office = _office_arg()
    header, rows = export(office, actor=auth.current_staff())
    return csv_response(header, rows, f"feedback-{office or 'all'}-{today():%Y%m%d}.csv")


@bp.get("/feedback.xlsx")
@auth.requires("moderate")
def feedback_xlsx():
    """The same columns and rows as the CSV file, for Excel and WPS: every text cell typed as text."""
    office = _office_arg()
    header, rows = export(office, actor=auth.current_staff(), fmt="xlsx")
    saved = xlsx_files.table_file(_("Comments"), header, rows, WIDTHS)
    size = os.fstat(saved.fileno()).st_size
    # Sent from the temporary file in chunks; the WSGI server closes it (and so removes it) when done.
    response = download(wrap_file(request.environ, saved), xlsx_files.XLSX_TYPE,
                        f"feedback-{office or 'all'}-{today():%Y%m%d}.xlsx")
    response.direct_passthrough = True
    response.content_length = size
    return response


@bp.context_processor
def _moderation_counts():
    # A function, so only the pages that show the counts (dashboard) run the queries.
    return {"feedback_counts": service.counts}
