"""Feedback as a CSV file for the responsible offices: UTF-8 with a byte-order mark, because Excel
on Chinese Windows otherwise reads the file as GBK and shows the Chinese as mojibake."""
from __future__ import annotations

import csv
import io
from datetime import timezone

from flask_babel import gettext
from sqlalchemy import select

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
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _local(dt) -> str:
    if dt is None:
        return ""
    return dt.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def rows(office_slug: str | None = None) -> list[list[str]]:
    """Every comment (any state) on the office's work points, oldest first; all offices when None."""
    store = content()
    lang = current_lang()
    stmt = select(Feedback).order_by(Feedback.created_at, Feedback.id)
    if office_slug:
        stmt = stmt.where(Feedback.item_code.in_(item_codes_of_office(office_slug)))
    out = []
    for fb in db.session.scalars(stmt):
        item = store.item(fb.item_code)
        place = store.place(fb.place_slug) if fb.place_slug else None
        out.append([cell(v) for v in (
            fb.tracking_code, fb.item_code, item.title.get(lang) if item else "",
            "、".join(o.name.get(lang) for o in item.offices) if item else "",
            place.name.get(lang) if place else gettext("Whole town"),
            gettext(KINDS.get(fb.kind, fb.kind)), gettext(STATES.get(fb.state, fb.state)), _local(fb.created_at),
            fb.body, fb.body_public, fb.display_name, fb.contact, fb.reject_reason, fb.reply_body,
            _local(fb.replied_at), fb.flag_count,
        )])
    return out


def export_csv(office_slug: str | None = None, actor=None) -> bytes:
    """The file's bytes. Exporting contacts is itself recorded in the audit log."""
    data = rows(office_slug)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([gettext(c) for c in COLUMNS])
    writer.writerows(data)
    audit.record("feedback.export", "office", office_slug or "all", None, {"rows": len(data)}, actor=actor)
    db.session.commit()
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
