"""/staff/search-report: what residents looked for and did not find (issue 18.5)."""
from __future__ import annotations

from flask import render_template

from ..services import auth, search_log
from . import bp


@bp.get("/search-report")
@auth.requires("read_search_report")
def search_report():
    return render_template("staff/search_report.html", weeks=search_log.report(), keep_days=search_log.KEEP_DAYS)
