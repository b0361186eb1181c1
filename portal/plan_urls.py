"""Addresses under /<lang>/plans/<plan>/: the plan's slug goes to g.plan (an unknown one is a 404), and
url_for keeps the page's plan, or the current plan on pages that belong to no plan, unless told otherwise.

services.content.content() reads g.plan, so every look-up by code on such a page is one in its plan."""
from __future__ import annotations

from flask import abort, current_app, g

PLAN_PREFIX = "/<lang>/plans/<plan>"


def plan_in_urls(bp) -> None:
    @bp.url_value_preprocessor
    def _pull_plan(_endpoint, values):
        if values is not None and "plan" in values:
            slug = values.pop("plan")
            if current_app.extensions["portal_plans"].store(slug) is None or not slug:
                abort(404)
            g.plan = slug

    @bp.url_defaults
    def _add_plan(endpoint, values):
        if "plan" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "plan"):
            values["plan"] = g.get("plan") or current_app.extensions["portal_plans"].current
