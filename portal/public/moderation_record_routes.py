"""/<lang>/moderation: the public record of how residents' comments were moderated, month by month."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from ..services import moderation_record
from . import bp


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    hours = seconds / 3600
    if hours < 48:
        return _("%(n)s hours", n=f"{hours:.1f}")
    return _("%(n)s days", n=f"{hours / 24:.1f}")


@bp.get("/<lang>/moderation")
def moderation_record_page():
    return render_template("public/moderation_record.html", months=moderation_record.record(),
                           reasons=moderation_record.REASONS, reason_label=moderation_record.reason_label,
                           duration_text=duration_text)
