"""Progress pages: the dashboard, one project site, and the Atom feeds of published updates."""
from __future__ import annotations

from flask import abort, g, make_response, request, url_for
from flask_babel import gettext

from ..extensions import db
from ..models import ProjectSite
from ..services import dashboard
from ..services import sites as site_service
from ..services.content import content
from ..services.status import NO_REPORT_MESSAGE, STATUSES
from . import bp, charts
from ..fragments import render_with_body
from .item_page import render_site_page
from ..lookups import site_or_404
from ..page_address import this_page
from .feeds import atom_feed, scoped_feed


def status_text(code: str) -> str:
    return gettext(STATUSES.get(code, NO_REPORT_MESSAGE))


def progress_summary(recent: int = 10) -> dashboard.Summary:
    return dashboard.summary(
        url_for_area=lambda n: url_for("public.area", number=n),
        url_for_office=lambda slug: url_for("public.office", slug=slug),
        recent=recent,
    )


def _status_rows(summary):
    return charts.bars([(status_text(code), {code: n}) for code, n in summary.by_status.items()])


def _group_rows(rows):
    return charts.bars([(f"{r.key}. {r.label.get(g.lang or 'zh')}" if r.key.isdigit() else r.label.get(g.lang or "zh"),
                         r.counts) for r in rows])


def _place_of(site):
    return content().place(site.place_slug) if site.place_slug else None


# Template globals, app-wide: the item page is also rendered by the feedback blueprint when a comment has
# errors. Globals rather than a context processor: the same functions for every page, handed over once.
@bp.record_once
def _progress_helpers(state):
    state.app.jinja_env.globals.update({
        "status_chart": _status_rows, "group_chart": _group_rows, "status_text": status_text,
        "status_order": dashboard.STATUS_ORDER, "stage_text": lambda code: gettext(site_service.STAGES.get(code, code)),
        "target_of": lambda item, key: next((t for t in item.targets if t.key == key), None),
        "site_latest": lambda site: next(iter(site_service.site_history(site)), None), "place_of": _place_of,
        "item_of": lambda code: content().item(code)})


@bp.get("/<lang>/plans/<plan>/progress")
def progress():
    return render_with_body("public/progress.html", "public/_progress_body.html",
                            lambda: {"summary": progress_summary(recent=20)})


@bp.get("/<lang>/plans/<plan>/items/<code>/sites/<int:site_id>")
def site(code: str, site_id: int):
    item, found = site_or_404(code, site_id)
    return render_site_page(item, found)


@bp.get("/plans/<plan>/feed.atom")
@bp.get("/<lang>/plans/<plan>/feed.atom")
def feed():
    # /feed.atom carries both languages; /<lang>/feed.atom one (the lang preprocessor sets g.lang).
    response = make_response(atom_feed(g.get("lang")))
    response.mimetype = "application/atom+xml"
    response.add_etag()
    return response.make_conditional(request)


def _thing_feed(kind: str, key: str, item_code: str | None = None):
    """The updates of one work point, project site, place, office or action area (services/updates.py)."""
    from ..services import updates

    found = updates.scope(kind, key)
    site = db.session.get(ProjectSite, int(key)) if kind == "site" else None
    if found is None or (site is not None and (site.plan, site.item_code) != (content().plan.slug, item_code)):
        abort(404)
    response = make_response(scoped_feed(found, g.lang, this_page(_external=True, _query=False)))
    response.mimetype = "application/atom+xml"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/<lang>/plans/<plan>/items/<code>/feed.atom")
def item_feed(code: str):
    return _thing_feed("item", code)


@bp.get("/<lang>/plans/<plan>/items/<code>/sites/<int:site_id>/feed.atom")
def site_feed(code: str, site_id: int):
    return _thing_feed("site", str(site_id), code)


@bp.get("/<lang>/plans/<plan>/places/<slug>/feed.atom")
def place_feed(slug: str):
    return _thing_feed("place", slug)


@bp.get("/<lang>/plans/<plan>/offices/<slug>/feed.atom")
def office_feed(slug: str):
    return _thing_feed("office", slug)


@bp.get("/<lang>/plans/<plan>/areas/<int:number>/feed.atom")
def area_feed(number: int):
    return _thing_feed("area", str(number))
