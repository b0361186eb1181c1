"""Search: /<lang>/search pages, /api/v1/search, the `flask search` commands and index upkeep."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("search", __name__, template_folder="templates")
api_bp = Blueprint("search_api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from ..extensions import csrf
    from ..services import search_log
    from .analysis import prepare
    from .cli import register_cli
    from .index import init_state
    from .page import init_app as init_page
    from .upkeep import connect_signals
    from .vocabulary import Vocabulary, load_thesaurus

    init_state(app)
    init_page(app)
    store = app.extensions["portal_content"]
    vocabulary = Vocabulary(list(store.aliases) + load_thesaurus(app.config["CONTENT_DIR"]))
    app.extensions["search_vocabulary"] = vocabulary
    words = [t.name.zh for t in store.glossary] + [a for t in store.glossary for a in t.aliases]
    # vocabulary.words() holds the alias and thesaurus groups.
    words += [p.name.zh for p in store.places] + [o.name.zh for o in store.offices] + vocabulary.words()
    prepare(words)
    app.register_blueprint(bp)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    register_cli(app)
    connect_signals(app)
    search_log.init_app(app)
