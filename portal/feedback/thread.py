"""The comment thread on a work point page: published comments and the form, as template globals."""
from __future__ import annotations

from flask_babel import gettext

from ..services import feedback as service
from ..services.content import content
from .forms import FlagForm, feedback_form


def thread_globals() -> dict:
    def feedback_thread(item, site_id=None):
        return {
            "comments": service.published_for(item.code, site_id),
            "new_form": lambda: feedback_form(content(), item),
            "flag_form": FlagForm(),
        }

    return {
        "feedback_thread": feedback_thread,
        "feedback_kind_label": lambda code: gettext(service.KINDS.get(code, code)),
        "feedback_public_name": service.public_name,
        "place_name": lambda slug: (content().place(slug).name if slug and content().place(slug) else None),
    }
