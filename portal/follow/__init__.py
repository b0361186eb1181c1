"""Follow by e-mail (request, confirm, unsubscribe), the privacy notice, the footer's operator lines,
and the `flask mail` / `flask privacy` commands run by the deployment's timers."""
from flask import Blueprint, Flask

bp = Blueprint("follow", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from ..same_origin import exempt_from_tokens
    from .cli import register_cli
    from .page import follow_globals

    exempt_from_tokens(bp)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(follow_globals())
    register_cli(app)
