"""Staff pages for the street: every poster of a work point in one print, and what residents care about most."""
from __future__ import annotations

from flask import abort, g, render_template, request
from flask_babel import force_locale

from ..i18n import LANGS
from ..services import auth, marks, posters
from ..services import sites as site_service
from ..services.content import content
from ..services.status import status_of
from . import bp


@bp.get("/items/<code>/posters")
@auth.requires("update_status")
def item_posters(code: str):
    """The work point's poster, then one per project site, each on its own A4 sheet."""
    item = content().item(code)
    if item is None:
        abort(404)
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else "zh"
    g.lang = lang  # posters speak the language asked for, whatever the back office's own language
    with force_locale(lang):
        sheets = [posters.item_poster(item, lang)] + [posters.site_poster(item, s, lang)
                                                       for s in site_service.sites_of(code)]
        return render_template("public/poster.html", posters=sheets, status=status_of(item), lang=lang,
                               other_lang="en" if lang == "zh" else "zh")


@bp.get("/marks")
@auth.requires("moderate")
def marks_ranking():
    order = "comments" if request.args.get("order") == "comments" else "marks"
    store = content()
    return render_template("staff/marks.html", order=order,
                           items=marks.ranking_items([i.code for i in store.items], order),
                           sites=marks.ranking_sites(order), item_of=store.item)
