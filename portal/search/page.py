"""What the results page offers that depends only on a plan's content and the language: the filter
form's choices. Translating and formatting their forty-odd labels on every search was a tenth of a
results page, for the same answer each time; they are worked out once per plan and language."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import gettext

from ..services.status import NO_REPORT, NO_REPORT_MESSAGE, STATUSES
from ..templating import month_label

KEY = "portal.search_filter_options"
Choices = tuple[tuple[str, str], ...]  # (value, label)


@dataclass(frozen=True)
class FilterOptions:
    area: Choices
    office: Choices
    month: Choices
    status: Choices
    place: Choices


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
