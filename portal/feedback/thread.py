"""The comment thread on a work point or project page: what public/item_page.py passes to
feedback/_comments.html (kept with the page body) and feedback/_comment_form.html,
and the template helpers it uses (none of which touches the database)."""
from __future__ import annotations

from flask_babel import gettext

from ..services import feedback as service
from ..services.content import content
from .. import limits
from ..i18n import language_of
from .forms import feedback_form

# The report box under each comment is the same plain field every time: written once in the template
# with these limits (the ones FlagForm checks on the way in) rather than a form rendered per comment.
FLAG_FIELD = {"min": limits.FLAG_REASON.min, "max": limits.FLAG_REASON.max}


def comments_context(site=None) -> dict:
    """``thread`` for the published comments alone (feedback/_comments.html)."""
    return {"thread": {"flag": FLAG_FIELD, "site_id": site.id if site is not None else None}}


def thread_context(item, site=None, form=None, message: str | None = None) -> dict:
    """``thread`` for the comments and the form: the comment form (the one sent back with its errors, or a
    new one), the report field under each comment, and a message about the last attempt to send."""
    if form is None:
        form = feedback_form(content(), item)
        # A comment from a project's page is most likely about that project's place.
        if site is not None and site.place_slug in {c.value for c in form.place.choices}:
            form.place.data = site.place_slug
    context = comments_context(site)
    context["thread"].update(form=form, message=message)
    return context


def thread_globals() -> dict:
    """Template globals (the same functions for every page)."""
    return {
        "feedback_kind_label": lambda code: gettext(service.KINDS.get(code, code)),
        "feedback_public_name": service.public_name,
        "language_of": language_of,
        "place_name": lambda slug: (content().place(slug).name if slug and content().place(slug) else None),
    }
