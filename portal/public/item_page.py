"""A work point's page and a project site's page: the body and the empty comment form kept rendered
(portal/fragments.py), the form sent back with a resident's words and errors rendered for them alone.

One function each for the page as read (public.item, public.site) and as sent back by feedback.submit,
so the two cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import render_template
from markupsafe import Markup

from .. import fragments
from ..feedback.thread import comments_context, thread_context
from ..pagination import page_arg
from ..services import feedback as feedback_service
from ..services import items as item_service
from ..services import sites as site_service
from ..services.content import content


def render_item_page(item, form=None, message: str | None = None) -> str:
    def load() -> dict:
        return item_service.page_context(item, comment_page=page_arg("comments"), site_page=page_arg("projects"))

    return _render("public/item.html", "public/_item_body.html", load, item, None, form, message)


def render_site_page(item, site, form=None, message: str | None = None) -> str:
    def load() -> dict:
        return {"stages": site_service.site_history(site),
                "comment_page": feedback_service.published_page(item.code, site.id, page_arg("comments")),
                "place": content().place(site.place_slug) if site.place_slug else None,
                "target": next((t for t in item.targets if t.key == site.target_key), None)}

    return _render("public/site.html", "public/_site_body.html", load, item, site, form, message)


def _render(template: str, body_template: str, load: Callable[[], dict], item, site, form, message) -> str:
    shell = {"item": item, "site": site, "section": item.section}

    def body() -> str:
        return render_template(body_template, **{**shell, **load()}, **comments_context(site))

    def comment_form() -> Markup:
        return Markup(render_template("feedback/_comment_form.html", **shell,  # nosec B704: autoescaped template output
                                      **thread_context(item, site, form, message)))

    # A form sent back with the resident's words and errors is theirs alone; the empty one is everyone's.
    sent_back = form is not None or message is not None
    return render_template(template, **shell, body=fragments.cached(body_template, body),
                           comment_form=comment_form() if sent_back else fragments.cached("comment-form", comment_form))
