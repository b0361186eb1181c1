"""Outgoing mail: queued in the database by the services when something happens, sent outside any
request by `flask mail send-pending` (a timer runs it every minute).

Nothing is lost when the mail server is down: a message that could not be handed over stays in the
queue and is tried again later, waiting twice as long after each failure (one minute, two, four …
at most six hours). Nothing is sent twice by two runs at once: a run claims a message (moves its next
attempt into the future, only if nobody else has) before handing it over, and marks it sent right
after the server accepted it.

The claim is the last step before the handover, in a transaction of its own, after the connection to the
server is open, and the message is read again after it. A mail deleted because its comment was withdrawn or
its contact erased (services/follow.forget_comment) is thus either gone before the claim, and never sent,
or deleted while the server already has it.
"""
from __future__ import annotations

import re
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import MailMessage, utcnow
from .masking import mask_personal_data

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# About a week of retries at the longest wait; after that the message stays in the queue, unsent, with its error.
MAX_ATTEMPTS = 40
# A claimed message is not picked up by another run for this long, even if the first run dies mid-way.
CLAIM = timedelta(minutes=10)
BATCH = 200
# A run stops taking new batches after this long, so the per-minute timer's runs do not pile up.
RUN_BUDGET = timedelta(seconds=50)
# Sent messages hold an address: they are deleted this long after sending (`flask privacy purge`).
KEEP_SENT = timedelta(days=7)
# Line breaks as str.splitlines() knows them: a header is one line, whatever the name it is made of says.
LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def enabled() -> bool:
    """Follow by e-mail exists only when an SMTP server is configured."""
    return bool(current_app.config.get("SMTP_HOST"))


def enqueue(to: str, subject: str, body: str, headers: dict[str, str] | None = None,
            feedback_id: int | None = None) -> MailMessage:
    """Adds a message to the queue in the caller's transaction: it is queued if and only if the change
    that caused it is committed. `feedback_id`: the comment the message is about, if any."""
    message = MailMessage(to=to, subject=subject[:300], body=body, headers=dict(headers or {}), attempts=0,
                          next_attempt_at=utcnow(), feedback_id=feedback_id)
    db.session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30)
    if cfg.get("SMTP_STARTTLS"):
        smtp.starttls(context=ssl.create_default_context())
    if cfg.get("SMTP_USER"):
        smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD", ""))
    return smtp


def _as_email(message: MailMessage) -> EmailMessage:
    cfg = current_app.config
    sender = cfg.get("SMTP_FROM") or f"noreply@{cfg['SMTP_HOST']}"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = one_line(message.subject)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"portal-{message.id}", domain=sender.rsplit("@", 1)[-1])
    email["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        email[name] = one_line(value)
    email.set_content(message.body)
    return email


def one_line(value: str) -> str:
    """A header value from text that may hold line breaks (a project name typed with Alt+Enter in the
    progress spreadsheet): the email package refuses them, and they must never start a header of their own."""
    return LINE_BREAKS.sub(" ", value).strip()


def _claim(message_id: int, seen_next: datetime, now: datetime) -> bool:
    claimed = db.session.execute(update(MailMessage)
                                 .where(MailMessage.id == message_id, MailMessage.sent_at.is_(None),
                                        MailMessage.next_attempt_at == seen_next)
                                 .values(next_attempt_at=now + CLAIM))
    db.session.commit()
    return claimed.rowcount == 1


def _record(message_id: int, **values) -> None:
    """One more attempt, by statement: a message deleted while it was with the server (the resident stopped
    following meanwhile, services/follow.unsubscribe) leaves no row to update, and that is no error."""
    db.session.execute(update(MailMessage).where(MailMessage.id == message_id)
                       .values(attempts=MailMessage.attempts + 1, **values))
    db.session.commit()


def _failed(message_id: int, attempts: int, exc: Exception, now: datetime, report: SendReport) -> None:
    # Servers name the refused recipient ("550 <a@b.org>: ..."); this text goes to the journal (the timer's
    # stderr) and outlives the resident's address, which the privacy purge erases.
    error = mask_personal_data(f"{type(exc).__name__}: {exc}")[:300]
    _record(message_id, next_attempt_at=now + backoff(attempts + 1), last_error=error)
    report.failed += 1
    report.errors.append(error)


def _due(now: datetime, limit: int) -> list:
    return db.session.execute(select(MailMessage.id, MailMessage.next_attempt_at)
                              .where(MailMessage.sent_at.is_(None), MailMessage.next_attempt_at <= now,
                                     MailMessage.attempts < MAX_ATTEMPTS)
                              .order_by(MailMessage.id).limit(limit)).all()


class _Connection:
    """One SMTP connection for a whole run, opened when the first message needs it."""

    def __init__(self):
        self.smtp = None

    def open(self) -> None:
        self.smtp = self.smtp or _connect()

    def send(self, email: EmailMessage) -> None:
        self.open()
        self.smtp.send_message(email)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass


def _only_this_one(exc: Exception) -> bool:
    """Whether the server refused this message alone and the connection serves the rest: one bad address,
    or what the message holds (a content filter's 554 after DATA). A 421 means the server is closing."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code != 421


def _send_one(conn: _Connection, message_id: int, seen_next: datetime, now: datetime, report: SendReport) -> bool:
    """False when the server cannot be reached (the run should stop)."""
    try:
        # Connecting (TLS, login) may take seconds: done before the claim, so that a withdrawal meanwhile
        # still stops the mail.
        conn.open()
        unreachable = None
    except (smtplib.SMTPException, OSError) as exc:
        unreachable = exc
    if not _claim(message_id, seen_next, now):
        return True  # sent or claimed by another run, or deleted (its comment withdrawn)
    message = db.session.get(MailMessage, message_id)
    if message is None:  # deleted between the claim and now
        return True
    attempts = message.attempts
    if unreachable is not None:
        _failed(message_id, attempts, unreachable, now, report)
        return False
    try:
        email = _as_email(message)
    except ValueError as exc:  # this one message cannot be written: it must not hold up the queue behind it
        _failed(message_id, attempts, exc, now, report)
        return True
    try:
        conn.send(email)
    except (smtplib.SMTPException, OSError) as exc:
        _failed(message_id, attempts, exc, now, report)
        return _only_this_one(exc)
    _record(message_id, sent_at=utcnow(), last_error=None)
    report.sent += 1
    return True


def send_pending(now: datetime | None = None, limit: int = BATCH, budget: timedelta = RUN_BUDGET) -> SendReport:
    """Hands due messages to the SMTP server, oldest first, `limit` at a time until none is due or the
    run has used its time budget; stops at the first connection failure (the rest stay due for the next run).
    Each message is claimed only when its turn comes (see the module's docstring); one another run has
    claimed meanwhile is left to it."""
    now = now or utcnow()
    started = time.monotonic()
    report = SendReport()
    conn = _Connection()
    try:
        while time.monotonic() - started < budget.total_seconds():
            due = _due(now, limit)
            for message_id, seen in due:
                if not _send_one(conn, message_id, seen, now, report):
                    return report
            if len(due) < limit:
                break
    finally:
        conn.close()
    return report


def unsent_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count(MailMessage.id)).where(MailMessage.sent_at.is_(None))) or 0
