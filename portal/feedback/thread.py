"""The comment thread on a work point page: published comments and the form, as template globals."""
from __future__ import annotations

from flask_babel import gettext

from ..services import feedback as service
from ..services.content import content
from .forms import FlagForm, feedback_form


def thread_globals() -> dict:
    def feedback_thread(item, site_id=None, place_slug=None):
        def new_form():
            form = feedback_form(content(), item)
            # A comment from a project's page is most likely about that project's place.
            if place_slug and any(slug == place_slug for slug, _label in form.place.choices):
                form.place.data = place_slug
            return form

        return {
            "new_form": new_form,
            "flag_form": FlagForm(),
        }

    return {
        "feedback_thread": feedback_thread,
        "feedback_kind_label": lambda code: gettext(service.KINDS.get(code, code)),
        "feedback_public_name": service.public_name,
        "place_name": lambda slug: (content().place(slug).name if slug and content().place(slug) else None),
    }
