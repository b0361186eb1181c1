"""Outgoing mail: queued in the database by the services when something happens, sent outside any
request by `flask mail send-pending` (a timer runs it every minute).

Nothing is lost when the mail server is down: a message that could not be handed over stays in the
queue and is tried again later, waiting twice as long after each failure (one minute, two, four …
at most six hours). Nothing is sent twice by two runs at once: a run claims a message (moves its next
attempt into the future, only if nobody else has) before handing it over, and marks it sent right
after the server accepted it.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import MailMessage, utcnow

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# About a week of retries at the longest wait; after that the message stays in the queue, unsent, with its error.
MAX_ATTEMPTS = 40
# A claimed message is not picked up by another run for this long, even if the first run dies mid-way.
CLAIM = timedelta(minutes=10)
BATCH = 200
# Sent messages hold an address: they are deleted this long after sending (`flask privacy purge`).
KEEP_SENT = timedelta(days=7)


def enabled() -> bool:
    """Follow by e-mail exists only when an SMTP server is configured."""
    return bool(current_app.config.get("SMTP_HOST"))


def enqueue(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> MailMessage:
    """Adds a message to the queue in the caller's transaction: it is queued if and only if the change
    that caused it is committed."""
    message = MailMessage(to=to, subject=subject[:300], body=body, headers=dict(headers or {}), attempts=0,
                          next_attempt_at=utcnow())
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
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"portal-{message.id}", domain=sender.rsplit("@", 1)[-1])
    email["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    return email


def _claim(message_id: int, seen_next: datetime, now: datetime) -> bool:
    claimed = db.session.execute(update(MailMessage)
                                 .where(MailMessage.id == message_id, MailMessage.sent_at.is_(None),
                                        MailMessage.next_attempt_at == seen_next)
                                 .values(next_attempt_at=now + CLAIM))
    db.session.commit()
    return claimed.rowcount == 1


def _failed(message: MailMessage, exc: Exception, now: datetime, report: SendReport) -> None:
    message.attempts += 1
    message.next_attempt_at = now + backoff(message.attempts)
    message.last_error = f"{type(exc).__name__}: {exc}"[:300]
    db.session.commit()
    report.failed += 1
    report.errors.append(message.last_error)


def send_pending(now: datetime | None = None, limit: int = BATCH) -> SendReport:
    """Hands every due message to the SMTP server, oldest first; stops at the first connection failure
    (the rest stay due and are tried on the next run)."""
    now = now or utcnow()
    report = SendReport()
    due = db.session.execute(select(MailMessage.id, MailMessage.next_attempt_at)
                             .where(MailMessage.sent_at.is_(None), MailMessage.next_attempt_at <= now,
                                    MailMessage.attempts < MAX_ATTEMPTS)
                             .order_by(MailMessage.id).limit(limit)).all()
    smtp = None
    try:
        for message_id, seen_next in due:
            if not _claim(message_id, seen_next, now):
                continue  # another run has it
            message = db.session.get(MailMessage, message_id)
            try:
                smtp = smtp or _connect()
                smtp.send_message(_as_email(message))
            except (smtplib.SMTPException, OSError) as exc:
                _failed(message, exc, now, report)
                if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    break  # the server is unreachable or refusing: do not hammer it
                continue
            message.attempts += 1
            message.sent_at = utcnow()
            message.last_error = None
            db.session.commit()
            report.sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return report


def unsent_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count(MailMessage.id)).where(MailMessage.sent_at.is_(None))) or 0
