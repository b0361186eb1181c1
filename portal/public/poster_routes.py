"""Printable A4 posters for a work point and for each of its project sites."""
from __future__ import annotations

from flask import abort, g, render_template

from ..extensions import db
from ..models import ProjectSite
from ..services import posters
from ..services.content import content
from ..services.status import status_of
from . import bp


@bp.get("/<lang>/plans/<plan>/items/<code>/poster")
def item_poster(code: str):
    item = content().item(code)
    if item is None:
        abort(404)
    return render_template("public/poster.html", posters=[posters.item_poster(item, g.lang)],
                           status=status_of(item))


@bp.get("/<lang>/plans/<plan>/items/<code>/sites/<int:site_id>/poster")
def site_poster(code: str, site_id: int):
    item = content().item(code)
    found = db.session.get(ProjectSite, site_id)
    if item is None or found is None or (found.plan, found.item_code) != (item.plan, code):
        abort(404)
    return render_template("public/poster.html", posters=[posters.site_poster(item, found, g.lang)],
                           status=status_of(item))
