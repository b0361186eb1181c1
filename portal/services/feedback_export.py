"""Feedback for the responsible offices, as a CSV file for other programs (UTF-8 with a byte-order mark,
because Excel on Chinese Windows otherwise reads the file as GBK and shows the Chinese as mojibake) and as
an .xlsx workbook for Excel, which keeps phone and ID numbers as typed (portal/xlsx_files.py)."""
from __future__ import annotations

from collections.abc import Iterator
from flask_babel import gettext
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..i18n import N_, current_lang
from ..models import Feedback
from . import audit
from .clock import town_clock
from .content import content, registry
from .feedback import KINDS, STATES, of_office

COLUMNS = (
    N_("Tracking code"), N_("Work point"), N_("Work point title"), N_("Responsible offices"), N_("Place"),
    N_("Kind"), N_("State"), N_("Sent (Shanghai time)"), N_("Comment as sent"), N_("Comment as published"),
    N_("Name"), N_("Contact"), N_("Reason not published"), N_("Official reply"), N_("Replied (Shanghai time)"),
    N_("Reports"),
)
def _statement(office_slug: str | None):
    stmt = select(Feedback)
    if office_slug:
        stmt = stmt.where(of_office(office_slug))
    return stmt


def rows(office_slug: str | None = None) -> Iterator[list]:
    """Every comment (any state) on the office's work points, oldest first; all offices when None.

    Labels are looked up once, now, in the staff member's language; the rows are then read as plain
    columns from a server-side cursor in batches, in an application context of their own, so the file
    can be sent after the request has ended, in memory that does not grow with the number of comments."""
    store = content()
    lang = current_lang()
    kinds = {k: gettext(v) for k, v in KINDS.items()}
    states = {k: gettext(v) for k, v in STATES.items()}
    town = gettext("Whole town")
    plans = registry()
    items = {(i.plan, i.code): (i.title.get(lang), "、".join(o.name.get(lang) for o in i.offices))
             for one in plans.stores.values() for i in one.items}
    places = {p.slug: p.name.get(lang) for p in store.places}
    columns = (Feedback.tracking_code, Feedback.plan, Feedback.item_code, Feedback.place_slug, Feedback.kind, Feedback.state,
               Feedback.created_at, Feedback.body, Feedback.body_public, Feedback.display_name, Feedback.contact,
               Feedback.reject_reason, Feedback.reply_body, Feedback.replied_at, Feedback.flag_count)
    stmt = (_statement(office_slug).with_only_columns(*columns).order_by(Feedback.created_at, Feedback.id)
            .execution_options(yield_per=1000))
    app = current_app._get_current_object()

    def generate() -> Iterator[list]:
        with app.app_context():
            for (code, plan, item_code, place_slug, kind, state, created_at, body, body_public, name, contact, reason,
                 reply, replied_at, flags) in db.session.execute(stmt):
                title, offices = items.get((plan, item_code), ("", ""))
                # Another plan's work point is named with its plan: codes repeat from plan to plan.
                shown = item_code if plan == plans.current else f"{plan}/{item_code}"
                yield [code, shown, title, offices, places.get(place_slug, town) if place_slug else town,
                       kinds.get(kind, kind), states.get(state, state), town_clock(created_at), body, body_public, name,
                       contact, reason, reply, town_clock(replied_at), flags]

    return generate()


def export(office_slug: str | None = None, actor=None, fmt: str = "csv") -> tuple[list[str], Iterator[list]]:
    """The header and the lazily read rows, the same for the CSV file and the .xlsx workbook. Exporting
    contacts is itself recorded in the audit log, before the first byte is sent."""
    count = db.session.scalar(_statement(office_slug).with_only_columns(func.count(Feedback.id)).order_by(None))
    details = {"rows": count} if fmt == "csv" else {"rows": count, "format": fmt}
    audit.record("feedback.export", "office", office_slug or "all", None, details, actor=actor)
    db.session.commit()
    return [gettext(c) for c in COLUMNS], rows(office_slug)


# Column widths of the workbook, in COLUMNS' order: long texts wide, codes and dates narrow.
WIDTHS = (12, 10, 26, 18, 12, 8, 10, 17, 40, 40, 12, 16, 24, 30, 17, 6)
