"""Printable A4 posters for a work point and for each of its project sites."""
from __future__ import annotations

from flask import g, render_template

from ..lookups import item_or_404, site_or_404
from ..services import posters
from ..services.status import status_of
from . import bp


@bp.get("/<lang>/plans/<plan>/items/<code>/poster")
def item_poster(code: str):
    item = item_or_404(code)
    return render_template("public/poster.html", posters=[posters.item_poster(item, g.lang)],
                           status=status_of(item))


@bp.get("/<lang>/plans/<plan>/items/<code>/sites/<int:site_id>/poster")
def site_poster(code: str, site_id: int):
    item, found = site_or_404(code, site_id)
    return render_template("public/poster.html", posters=[posters.site_poster(item, found, g.lang)],
                           status=status_of(item))
