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


# What PostgreSQL adds under its message (psycopg puts it in the error's text, SQLAlchemy in its own):
# hide_parameters hides the bound values, not the values the server quotes back.
PG_UNIQUE = ('duplicate key value violates unique constraint "subscription_email_key"\n'
             f"DETAIL:  Key (email)=({CONTACT}) already exists.")
PG_CHECK = ('new row for relation "subscription" violates check constraint "ck_email"\n'
            f"DETAIL:  Failing row contains (7, {CONTACT}, t).")

# A value holding a line break (a comment's body) goes on over several lines of the DETAIL, as psycopg 3.3 gives
# it; a unique index on an expression names it with brackets of its own.
PG_CHECK_LINES = ('null value in column "x" of relation "feedback" violates not-null constraint\n'
                  f"DETAIL:  Failing row contains (1, 路灯坏了\n电话：{CONTACT}\n\n谢谢, null).")
PG_UNIQUE_EXPRESSION = ('duplicate key value violates unique constraint "subscription_lower_email_key"\n'
                        f"DETAIL:  Key (lower(email::text))=({CONTACT}) already exists.")


def _driver_error(message: str):
    from sqlalchemy.exc import IntegrityError

    try:
        raise IntegrityError("INSERT INTO subscription (email) VALUES (%(email)s)", {"email": CONTACT},
                             Exception(message), hide_parameters=True)
    except IntegrityError as error:
        return error


@pytest.mark.parametrize("message", [PG_UNIQUE, PG_CHECK, PG_CHECK_LINES, PG_UNIQUE_EXPRESSION])
@pytest.mark.parametrize("logger_name", ["portal", "portal.services.follow", "sqlalchemy.engine", "someone.else"])
def test_the_servers_detail_never_reaches_the_log(app, caplog, monkeypatch, message, logger_name):
    error = _driver_error(message)
    assert CONTACT in str(error)  # what the driver hands over, before the log sees it
    logger = logging.getLogger(logger_name)
    monkeypatch.setattr(logger, "disabled", False)  # the migrations' fileConfig turns off loggers made before it
    with caplog.at_level(logging.ERROR):
        logger.error("subscribing failed", exc_info=error)  # the traceback
        logger.error("subscribing failed: %s", error)  # the message
        logger.error(f"subscribing failed: {error}")
    assert len(caplog.records) == 3
    assert CONTACT not in caplog.text
    for record in caplog.records:
        assert CONTACT not in logging.Formatter().format(record)
    assert "subscription" in caplog.text  # the constraint or relation is still there to debug
    if "Key (" in message:
        assert message.partition("Key ")[2].partition("=")[0] in caplog.text  # and so is the column


def test_a_real_unique_violation_logs_no_address(app, caplog, monkeypatch):
    """On SQLite the message names no value anyway; the PostgreSQL run (PORTAL_TEST_DATABASE_URL) is the
    one that quotes it back in a DETAIL line."""
    from sqlalchemy.exc import IntegrityError

    from portal.extensions import db
    from portal.models import Subscription

    with app.app_context():
        for n in range(2):
            db.session.add(Subscription(email=CONTACT, kind="item", key="A1", lang="zh", token_hash=f"{n:064}"))
        with pytest.raises(IntegrityError) as caught:
            db.session.commit()
        db.session.rollback()
        quotes_back = db.engine.dialect.name == "postgresql"
    assert "unique" in str(caught.value).lower()
    assert (CONTACT in str(caught.value)) == quotes_back  # PostgreSQL's DETAIL: what the filter must catch
    monkeypatch.setattr(logging.getLogger("portal.services.follow"), "disabled", False)
    with caplog.at_level(logging.ERROR):
        logging.getLogger("portal.services.follow").exception("subscribing failed", exc_info=caught.value)
        logging.getLogger("portal.services.follow").error("subscribing failed: %s", caught.value)
    assert "subscription" in caplog.text and CONTACT not in caplog.text


def test_a_detail_typed_into_an_address_leaves_the_access_log_line_whole(app, caplog, monkeypatch):
    # PostgreSQL's DETAIL starts a line of the error's text; one in the middle of a line is a visitor's words.
    # Hidden to the end, it took the status, size and user agent out of that request's access log line.
    logger = logging.getLogger("gunicorn.access")
    monkeypatch.setattr(logger, "disabled", False)
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.info('%s "%s" %s %s "%s"', "192.0.2.7", "GET /zh/search?q=DETAIL:x HTTP/1.1", 404, 1234, "sqlmap/1.7")
    assert caplog.records[-1].getMessage() == '192.0.2.7 "GET /zh/search?q=DETAIL:x HTTP/1.1" 404 1234 "sqlmap/1.7"'
