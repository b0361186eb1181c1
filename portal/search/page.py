"""The parts of a results page that do not depend on the words searched for.

The filter form's choices depend on a plan's content and the language: translating and formatting
their forty-odd labels on every search was a tenth of a results page, so they are worked out once per
plan and language. The form around them (choices, selection) and the line under each hit (status,
deadline, plan) are kept rendered in Flask-Caching (portal/fragments.py), keyed on what they show:
rendering them was most of a page with new words. Neither reads the database: the choices come from
the content files, a hit's status from the search index (the one the status filter matches), so a
search needs no database at all and answers while it is down.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from flask import Flask, current_app, get_template_attribute, render_template
from flask_babel import gettext
from markupsafe import Markup

from .. import fragments
from ..punctuation import marks
from ..services.content import registry
from ..services.clock import deadline_passed
from ..services.status import NO_REPORT, NO_REPORT_MESSAGE, STATUSES, Status
from ..templating import month_label

KEY = "portal.search_filter_options"
Choices = tuple[tuple[str, str], ...]  # (value, label)
FILTER_NAMES = ("area", "office", "month", "status", "place")


@dataclass(frozen=True)
class FilterOptions:
    area: Choices
    office: Choices
    month: Choices
    status: Choices
    place: Choices

    @cached_property
    def values(self) -> dict[str, frozenset[str]]:
        """Each filter's values, gathered once per plan and language rather than on every search."""
        return {name: frozenset(value for value, _ in getattr(self, name)) for name in FILTER_NAMES}

    def shown(self, filters: dict[str, str]) -> dict[str, str]:
        """The filter values the form shows selected: a value that is none of the choices selects nothing
        (the plan comes checked by the view)."""
        values = self.values
        return {"plan": filters.get("plan", ""), **{
            name: filters[name] if filters.get(name) in values[name] else "" for name in FILTER_NAMES}}


def init_app(app: Flask) -> None:
    app.extensions[KEY] = {}


def filter_options(store, lang: str) -> FilterOptions:
    """The choices of `store`'s plan, labelled in `lang`, the language of the request."""
    cache = current_app.extensions[KEY]
    key = (store.plan.slug if store.plan else "", lang)
    found = cache.get(key)
    if found is None:
        found = cache[key] = FilterOptions(
            area=tuple((str(s.number), f"{s.number}. {s.title.get(lang)}") for s in store.sections),
            office=tuple((o.slug, o.name.get(lang)) for o in store.offices),
            month=tuple((m, month_label(m, lang)) for m in store.months),
            status=tuple((code, gettext(message)) for code, message in {NO_REPORT: NO_REPORT_MESSAGE, **STATUSES}.items()),
            place=tuple((p.slug, p.name.get(lang)) for p in store.places),
        )
    return found


def every_plan_options(lang: str) -> FilterOptions:
    """The choices when no plan is chosen, the search then covering every plan: each plan's months, offices
    and places, and each area number with the name every plan gives it (area 1 of 2025 is not area 1 of 2023)."""
    cache = current_app.extensions[KEY]
    found = cache.get(("*", lang))
    if found is None:
        stores = sorted(registry().stores.values(), key=lambda st: st.plan.year if st.plan else 0)
        each = [filter_options(st, lang) for st in stores]
        names: dict[str, dict[str, list[int]]] = {}
        for st in stores:
            for sec in st.sections:
                names.setdefault(str(sec.number), {}).setdefault(sec.title.get(lang), []).append(st.plan.year)

        mark = marks(lang)

        def area_label(number: str) -> str:
            titles = names[number]
            if len(titles) == 1:
                return f"{number}. {next(iter(titles))}"
            return f"{number}. " + mark["semicolon"].join(
                mark["comma"].join(map(str, years)) + mark["year"] + mark["colon"] + title for title, years in titles.items())

        def union(name: str) -> Choices:
            return tuple(dict((value, label) for options in each for value, label in getattr(options, name)).items())

        found = cache[("*", lang)] = FilterOptions(
            area=tuple((n, area_label(n)) for n in sorted(names, key=int)),
            office=union("office"), month=tuple(sorted(union("month"))), status=each[-1].status, place=union("place"))
    return found


def filter_form(store, lang: str, filters: dict[str, str]) -> Markup:
    """The form's <details> with the filter choices, `filters` selected. Kept per language, plan and
    selection: a value the reader made up selects nothing, so it is never part of the key."""
    every = not filters.get("plan") and len(registry().stores) > 1
    options = every_plan_options(lang) if every else filter_options(store, lang)
    shown = options.shown(filters)
    is_open = any(filters.values())  # open whenever the reader narrowed, even by a value that matched nothing
    return fragments.cached("search/_filters.html", lambda: render_template(
        "search/_filters.html", filters=shown, options=options, plans=registry().plans, open=is_open),
        on=(lang, "*" if every else store.plan.slug if store.plan else "", *shown.values(), "open" if is_open else ""),
        data=False)


def hit_lines(hits, lang: str) -> dict[tuple[str, str], Markup]:
    """The line under each hit (status, deadline, plan) by (plan, code), with the status the index holds:
    kept per work point, status and language."""
    found = {(hit.item.plan, hit.code): hit for hit in hits}

    def render(missing: list[tuple[str, str]]) -> dict[tuple[str, str], Markup]:
        line = get_template_attribute("search/_hit.html", "meta")
        return {key: line(found[key].item, _status(found[key]), registry().store(key[0]).plan, marks(lang))
                for key in missing}

    return fragments.cached_each(
        "search/_hit.html", {key: (lang, *key, hit.status) for key, hit in found.items()}, render, data=False)


def _status(hit) -> Status:
    return Status(hit.status or NO_REPORT, None, deadline_passed(hit.item.deadline))
