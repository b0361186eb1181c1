"""Zhangjiang work-points portal: the application factory."""
from __future__ import annotations

import logging

from flask import Flask, g

from . import config as config_module
from .extensions import babel, csrf, db, limiter, migrate
from .app_class import PortalFlask


def create_app(config: dict | None = None) -> Flask:
    from . import log_redaction

    log_redaction.install()  # before anything is logged: the database server's DETAIL lines stay out of it
    app = PortalFlask(__name__, instance_relative_config=False)
    from .i18n import LangRule

    app.url_rule_class = LangRule  # before any rule is added: every <lang> is zh or en
    app.config.update(config_module.from_env())
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from .db_setup import configure_engine, engine_options

    # Options given in the config add to these (never drop hide_parameters by leaving it out).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
                                               **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.BASE_DIR / "migrations"))
    from .i18n import babel_locale

    babel.init_app(app, locale_selector=babel_locale)
    csrf.init_app(app)
    from . import csrf_writes

    csrf_writes.init_app(app)  # where Flask-WTF's own hook was: before the origin check, as before
    limiter.init_app(app)

    from .services.content import init_content

    init_content(app)

    configure_engine(app)

    from . import (compression, cookie_session, fragments, http_caching, page_address, plan_labels, same_origin, security,
                   sharing, template_gettext, templating)

    security.init_app(app)
    cookie_session.init_app(app)
    templating.init_app(app)
    template_gettext.init_app(app)
    plan_labels.init_app(app)
    sharing.init_app(app)
    page_address.init_app(app)
    compression.init_app(app)
    fragments.init_app(app)
    http_caching.init_app(app)
    same_origin.init_app(app)

    _register_areas(app)

    from .cli import register_cli

    register_cli(app)
    from .errors import register_error_handlers

    register_error_handlers(app)
    logging.getLogger(__name__).debug("portal app created")
    return app


def _register_areas(app: Flask) -> None:
    """Every area of the site, in the order their routes and hooks must be added."""
    from . import feedback, follow, health, robots, search, staff
    from .api import bp as api_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(robots.bp)
    search.init_app(app)
    feedback.init_app(app)
    staff.init_app(app)
    follow.init_app(app)


__all__ = ["create_app", "g"]
