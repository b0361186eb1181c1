"""A failing statement's error names the statement, not the values bound to it: an error logged from a
comment, a subscription or a contact purge would otherwise copy a resident's phone number or e-mail address
into the log (SQLAlchemy prints "[parameters: ...]" unless the engine has hide_parameters)."""
from __future__ import annotations

import logging
import traceback

import pytest

CONTACT = "resident-13812345678@qq.com"


def test_a_failing_statement_does_not_show_its_values(app, caplog):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from portal.extensions import db

    with app.app_context():
        with pytest.raises(DBAPIError) as caught:
            db.session.execute(text("INSERT INTO no_such_table (contact) VALUES (:contact)"), {"contact": CONTACT})
        db.session.rollback()
    with caplog.at_level(logging.ERROR):
        logging.getLogger("portal").error("statement failed", exc_info=caught.value)
    raised = "".join(traceback.format_exception(caught.value))
    assert "no_such_table" in raised  # the statement is still there to debug
    assert CONTACT not in raised and CONTACT not in caplog.text
    assert "hidden due to hide_parameters" in raised


def test_the_engine_hides_parameters_on_every_database(app):
    from portal.db_setup import engine_options
    from portal.extensions import db

    with app.app_context():
        assert db.engine.hide_parameters
    for url in ("sqlite:///x.db", "postgresql+psycopg://u@localhost/portal"):
        assert engine_options(url)["hide_parameters"] is True
