"""A work point's page: the body and the empty comment form kept rendered (portal/fragments.py).

One function for the page as read (public.item) and as sent back with a comment's errors
(feedback.submit), so the two cannot drift apart.
"""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from .. import fragments
from ..feedback.thread import comments_context, thread_context
from ..pagination import page_arg
from ..services import items as item_service


def render_item_page(item, form=None, message: str | None = None) -> str:
    def body() -> str:
        return render_template("public/_item_body.html", **item_service.page_context(
            item, comment_page=page_arg("comments"), site_page=page_arg("projects")), **comments_context())

    def comment_form() -> Markup:
        return Markup(render_template("feedback/_comment_form.html", item=item, **thread_context(item, None, form, message)))  # nosec B704: autoescaped template output

    # A form sent back with the resident's words and errors is theirs alone; the empty one is everyone's.
    sent_back = form is not None or message is not None
    return render_template("public/item.html", item=item, body=fragments.cached("item", body),
                           comment_form=comment_form() if sent_back else fragments.cached("comment-form", comment_form))
