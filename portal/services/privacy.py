"""Residents' data kept no longer than needed: `flask privacy purge` (daily timer) erases

* the contact (phone or e-mail) on comments closed more than CONTACT_RETENTION_DAYS ago (180 by
  default) — closed meaning decided by a moderator (published, not published, removed) or withdrawn
  by its author; the time counts from the last of decision, official reply and withdrawal;
* addresses waiting for those comments' answers, and the mails about those comments still in the queue;
* follow requests never confirmed within 7 days;
* sent mails older than 7 days (they hold the address they went to), and mails the queue gave up on;
* staff drafts (what staff typed into a form whose session had expired) past their hour
  (services/drafts.py; they are deleted as soon as they are put back, too).

Comments themselves stay, as the portal promises (what residents were told stays on record). Their public
text is masked again with the rules of the day (`remask`): a comment is masked once, when it arrives, and a
number the rules then missed stayed published after a later rule learnt to find it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update

from ..extensions import db
from ..models import Feedback, MailMessage, Subscription, utcnow
from ..states import ModerationState
from . import audit, drafts
from .events import feedback_changed
from .follow import UNCONFIRMED_FOR, forget_comment
from .mail import KEEP_SENT, MAX_ATTEMPTS
from .masking import mask_personal_data


@dataclass
class PurgeReport:
    contacts: int
    unconfirmed: int
    sent_mails: int
    drafts: int = 0
    remasked: int = 0


def _closed_before(cutoff: datetime):
    decided = and_(Feedback.withdrawn_at.is_(None), Feedback.moderated_at < cutoff,
                   or_(Feedback.replied_at.is_(None), Feedback.replied_at < cutoff))
    return and_(Feedback.state != ModerationState.PENDING, or_(Feedback.withdrawn_at < cutoff, decided))


def remask() -> int:
    """Applies the current masking rules to every comment's public text; returns how many changed. The
    pages (data version: an ORM update) and the search index (feedback_changed, once per work point) follow."""
    rows = db.session.execute(select(Feedback.id, Feedback.plan, Feedback.item_code, Feedback.body,
                                     Feedback.body_public).execution_options(yield_per=1000))
    changed = [(fid, plan, code, masked) for fid, plan, code, body, shown in rows
               if (masked := mask_personal_data(body)) != shown]
    for fid, _plan, _code, masked in changed:
        db.session.execute(update(Feedback).where(Feedback.id == fid).values(body_public=masked))
    db.session.commit()
    app = current_app._get_current_object()
    for (plan, code), fid in {(plan, code): fid for fid, plan, code, _masked in changed}.items():
        feedback_changed.send(app, feedback_id=fid, item_code=code, plan=plan, published=True)
    return len(changed)


def purge(now: datetime | None = None) -> PurgeReport:
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["CONTACT_RETENTION_DAYS"])
    ids = list(db.session.scalars(select(Feedback.id).where(_closed_before(cutoff), Feedback.contact.is_not(None))))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(Feedback.__table__.update().where(Feedback.id.in_(chunk)).values(contact=None))
        for feedback_id in chunk:
            forget_comment(feedback_id)
    unconfirmed = db.session.execute(delete(Subscription).where(
        Subscription.confirmed_at.is_(None), Subscription.created_at < now - UNCONFIRMED_FOR)).rowcount
    # A mail the queue gave up on is never sent: without this it would keep its address for ever.
    given_up = and_(MailMessage.sent_at.is_(None), MailMessage.attempts >= MAX_ATTEMPTS,
                    MailMessage.created_at < now - KEEP_SENT)
    sent = db.session.execute(delete(MailMessage).where(or_(MailMessage.sent_at < now - KEEP_SENT,
                                                            given_up))).rowcount
    expired_drafts = drafts.purge()  # by the staff sessions' clock, like the drafts' expiry itself
    if ids:
        audit.record("privacy.purge", "feedback", f"{len(ids)} contacts", None,
                     {"erased_contacts": len(ids), "before": cutoff.isoformat()}, actor=None)
    db.session.commit()
    return PurgeReport(len(ids), unconfirmed, sent, expired_drafts, remask())
