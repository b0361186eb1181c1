"""What the database server quotes back stays out of the log.

The engine hides the values bound to a statement (hide_parameters, portal/db_setup.py), but PostgreSQL's error
carries its own DETAIL line, which psycopg and then SQLAlchemy put into the exception's text: a unique
violation says "DETAIL:  Key (email)=(someone@example.com) already exists.", a check or not-null violation
"DETAIL:  Failing row contains (…)". Logged as a message or a traceback, that put a resident's address in
the application log.

One filter, run when any logger makes a record (the log record factory: a filter on the root logger would
miss records its child loggers pass on, and one on handlers would miss handlers added later, such as
gunicorn's and logging's last resort), rewrites the message and the formatted exception: a key keeps its
columns, its values are hidden; any other DETAIL line is hidden whole. Formatters that format the exception
themselves from exc_info rather than using exc_text (a JSON formatter, say) are not covered.
"""
from __future__ import annotations

import logging
import re

HIDDEN = "(hidden)"
# Where a DETAIL ends: not at the end of its line, since a value may hold line breaks (a comment's body in a
# "Failing row contains"), but where SQLAlchemy's text goes on, the server's next field, the next exception
# of a traceback, or the end of the text. A value holding one of these itself can still end the hiding early.
_END = (r"(?=\n\[SQL: |\n(?:HINT|CONTEXT|STATEMENT|WHERE):|\n\nThe above exception"
        r"|\n\nDuring handling of the above exception|\Z)")
# "Key (email)=(…)": the columns are kept (an expression index's hold brackets of their own, so up to the
# first ")=(" on the line), the values hidden, brackets and line breaks of their own included.
_KEY = re.compile(rf"(Key \([^\n]*?\))=\(.*?{_END}", re.S)
# Any other DETAIL is hidden whole; a key's, once _KEY has hidden its values, is left as it is. The server's
# DETAIL starts a line: one inside a line is a visitor's words (an address in the access log), not hidden.
_DETAIL = re.compile(rf"^(DETAIL:[ \t]*)(?=\S)(?!Key \([^\n]*?\)=\(hidden\){_END}).*?{_END}", re.S | re.M)


def redact(text: str) -> str:
    if "Key (" not in text and "DETAIL:" not in text:
        return text
    return _DETAIL.sub(rf"\1{HIDDEN}", _KEY.sub(rf"\1={HIDDEN}", text))


class DriverDetailFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it when the record is handled
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(record.exc_text or logging.Formatter().formatException(record.exc_info))
        return True


_FILTER = DriverDetailFilter()


def install() -> None:
    """Puts the filter into the record factory, once per process (create_app runs once per app)."""
    made = logging.getLogRecordFactory()
    if getattr(made, "redacts_driver_detail", False):
        return

    def filtered(*args, **kwargs):
        record = made(*args, **kwargs)
        _FILTER.filter(record)
        return record

    filtered.redacts_driver_detail = True
    logging.setLogRecordFactory(filtered)
