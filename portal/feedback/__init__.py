"""Resident feedback: the comment form on work point pages, tracking pages, flags."""
from flask import Blueprint, Flask

bp = Blueprint("feedback", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401
from . import withdraw  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from ..same_origin import exempt_from_tokens
    from .thread import thread_globals

    exempt_from_tokens(bp)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(thread_globals())
