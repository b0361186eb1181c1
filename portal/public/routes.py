from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from ..i18n import best_lang, lang_in_urls
from ..plan_urls import plan_in_urls
from ..redirects import safe_target
from ..services import items as item_service
from ..services.content import content, registry
from ..services.status import status_map
from . import bp
from .item_page import render_item_page
from ..fragments import render_with_body
from ..lookups import item_or_404


lang_in_urls(bp)
plan_in_urls(bp)


@bp.get("/")
def root():
    response = redirect(url_for("public.home", lang=best_lang()), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/<lang>/")
def home():
    """The current plan's home, with links to the other plans."""
    return plan_home()


@bp.get("/<lang>/plans/<plan>/")
def plan_home():
    from .progress_routes import progress_summary

    store = content()
    others = [p for p in registry().plans if p.slug != store.plan.slug]
    return render_with_body("public/home.html", "public/_home_body.html", lambda: {
        "statuses": status_map(store.items), "progress": progress_summary(recent=5)},
        notice=store.notice, sections=store.sections, plan=store.plan, other_plans=others, items=store.items)


@bp.get("/<lang>/plans/<plan>/items/")
def item_list():
    store = content()
    return render_template("public/item_list.html", sections=store.sections, statuses=status_map(store.items))


@bp.get("/<lang>/plans/<plan>/areas/<int:number>")
def area(number: int):
    section = content().section(number)
    if section is None:
        abort(404)
    return render_with_body("public/area.html", "public/_area_body.html",
                            lambda: {"statuses": status_map(section.items)}, section=section)


@bp.get("/<lang>/plans/<plan>/items/<code>")
def item(code: str):
    return render_item_page(item_or_404(code))


@bp.get("/<lang>/plans/<plan>/items/<code>/history")
def item_history(code: str):
    """Every update of a work point; the item page shows the latest few."""
    work_point = item_or_404(code)
    return render_template("public/history.html", item=work_point, section=work_point.section,
                           history=item_service.history(work_point))


@bp.get("/<lang>/plans/<plan>/offices/")
def offices():
    store = content()
    counts = {o.slug: len(store.items_by_office(o.slug)) for o in store.offices}
    return render_template("public/offices.html", offices=store.offices, counts=counts)


@bp.get("/<lang>/plans/<plan>/offices/<slug>")
def office(slug: str):
    found = _or_404(content().office(slug))
    return _listing("office", found.name, content().items_by_office(slug), office=found)


@bp.get("/<lang>/plans/<plan>/months/")
def months():
    store = content()
    counts = {m: len(store.items_by_month(m)) for m in store.months}
    return render_template("public/months.html", months=store.months, counts=counts)


@bp.get("/<lang>/plans/<plan>/months/<month>")
def month(month: str):
    return _listing("month", None, _or_404(content().items_by_month(month)), month=month)


@bp.get("/<lang>/plans/<plan>/places/")
def places():
    store = content()
    counts = {p.slug: len(store.items_by_place(p.slug)) for p in store.places}
    return render_template("public/places.html", places=store.places, counts=counts,
                           site_counts=item_service.site_counts_by_place())


@bp.get("/<lang>/plans/<plan>/places/<slug>")
def place(slug: str):
    found = _or_404(content().place(slug))
    return _listing("place", found.name, content().items_by_place(slug), place=found,
                    sites=item_service.sites_at(slug))


def _or_404(found):
    """What the address names (an office, a place, a month's items), or a 404 when there is none."""
    if not found:
        abort(404)
    return found


def _listing(kind: str, heading, items, **context):
    """The list of work points of one office, month or place."""
    return render_template("public/listing.html", heading=heading, kind=kind, items=items,
                           statuses=status_map(items), **context)


@bp.get("/<lang>/plans/<plan>/notice")
def notice():
    store = content()
    return render_template("public/notice.html", notice=store.notice, sections=store.sections)


@bp.get("/<lang>/glossary")
def glossary():
    return render_template("public/glossary.html", terms=content().glossary)


@bp.get("/<lang>/care")
def care_mode():
    """Turns the larger-text mode on or off with a cookie; a plain link, so it needs no JavaScript."""
    on = request.args.get("on") == "1"
    response = redirect(safe_target(request.args.get("next"), url_for("public.home")))
    response.set_cookie("care", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=request.is_secure)
    return response
