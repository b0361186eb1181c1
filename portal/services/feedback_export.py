"""Feedback as a CSV file for the responsible offices: UTF-8 with a byte-order mark, because Excel
on Chinese Windows otherwise reads the file as GBK and shows the Chinese as mojibake."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timezone

from flask_babel import gettext
from flask import Response
from sqlalchemy import func, select

from ..csv_files import csv_response
from ..extensions import db
from ..i18n import N_, current_lang
from ..models import Feedback
from . import audit
from .clock import SHANGHAI
from .content import content
from .feedback import KINDS, STATES, item_codes_of_office

COLUMNS = (
    N_("Tracking code"), N_("Work point"), N_("Work point title"), N_("Responsible offices"), N_("Place"),
    N_("Kind"), N_("State"), N_("Sent (Shanghai time)"), N_("Comment as sent"), N_("Comment as published"),
    N_("Name"), N_("Contact"), N_("Reason not published"), N_("Official reply"), N_("Replied (Shanghai time)"),
    N_("Reports"),
)
def _local(dt) -> str:
    if dt is None:
        return ""
    return dt.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _statement(office_slug: str | None):
    stmt = select(Feedback)
    if office_slug:
        stmt = stmt.where(Feedback.item_code.in_(item_codes_of_office(office_slug)))
    return stmt


def rows(office_slug: str | None = None) -> Iterator[list]:
    """Every comment (any state) on the office's work points, oldest first; all offices when None.

    Read in batches from a server-side cursor, so memory does not grow with the number of comments."""
    store = content()
    lang = current_lang()
    stmt = _statement(office_slug).order_by(Feedback.created_at, Feedback.id).execution_options(yield_per=1000)
    for fb in db.session.scalars(stmt):
        item = store.item(fb.item_code)
        place = store.place(fb.place_slug) if fb.place_slug else None
        yield [
            fb.tracking_code, fb.item_code, item.title.get(lang) if item else "",
            "、".join(o.name.get(lang) for o in item.offices) if item else "",
            place.name.get(lang) if place else gettext("Whole town"),
            gettext(KINDS.get(fb.kind, fb.kind)), gettext(STATES.get(fb.state, fb.state)), _local(fb.created_at),
            fb.body, fb.body_public, fb.display_name, fb.contact, fb.reject_reason, fb.reply_body,
            _local(fb.replied_at), fb.flag_count,
        ]


def export_csv(office_slug: str | None = None, actor=None, filename: str = "feedback.csv") -> Response:
    """A streamed download. Exporting contacts is itself recorded in the audit log, before the first byte."""
    count = db.session.scalar(_statement(office_slug).with_only_columns(func.count(Feedback.id)).order_by(None))
    audit.record("feedback.export", "office", office_slug or "all", None, {"rows": count}, actor=actor)
    db.session.commit()
    return csv_response([gettext(c) for c in COLUMNS], rows(office_slug), filename)
