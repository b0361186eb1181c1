"""Follow by e-mail, without an account: a work point, a project site, a place, or the answer to one's
own comment.

An address is stored only for this. A request creates an unconfirmed subscription and queues one
confirmation mail with a one-time link; nothing else is ever sent to an unconfirmed address. Once
confirmed, every update of the thing queues one mail in the language it was followed in, with a
one-click unsubscribe link (RFC 8058 headers too); unsubscribing deletes the row. Staff see counts only.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from limits import parse as limit_parse
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter
from ..inputs import int_or_none
from ..i18n import N_
from ..models import Feedback, MailMessage, SiteStageUpdate, StatusUpdate, Subscription, utcnow
from . import mail, updates

KINDS = ("item", "site", "place", "comment")
EMAIL_RE = re.compile(r"[a-z0-9._%+-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:[a-z]{2,}|xn--[a-z0-9-]+)")
# The dots IDNA reads as dots: what a Chinese input method types for "." ("qq。com").
DOTS = re.compile("[\u3002\uff0e\uff61]")
# An address that never confirmed is deleted after this long (`flask privacy purge`).
UNCONFIRMED_FOR = timedelta(days=7)
# Follow requests for one address, from the follow form and the comment form's "e-mail me the answer"
# together, so that nobody can flood a mailbox with confirmations through either.
PER_ADDRESS = limit_parse("3 per hour")
# A request repeated sooner than this (a double tap, the button pressed again while the mail is on its way)
# sends nothing new: a new link would replace the one already mailed, which then answers "no longer valid".
RESEND_AFTER = timedelta(minutes=10)

CONFIRM_SUBJECT = N_("Please confirm: follow %(name)s")
CONFIRM_BODY = N_("Someone, probably you, asked on the Zhangjiang Work Points site to receive an e-mail "
                  "when there is news about: %(name)s.\n\nTo start, open this link and press the button:\n"
                  "%(url)s\n\nIf it was not you, ignore this e-mail. Nothing more will be sent to this address, "
                  "and it is deleted within 7 days.")
UPDATE_FOOTER = N_("You receive this e-mail because you follow %(name)s. To stop, open this link:\n%(url)s")
YOUR_COMMENT = N_("the answer to your comment %(code)s")


def normalise_email(value: str | None) -> str | None:
    """The one spelling of an address that the form, the limits, the uniqueness check and the queue all
    use, or None. Every way of typing one mailbox must give one string, else each spelling is a mailbox
    of its own: its own per-address limit and its own subscription, each sent every update.

    NFKC turns what a Chinese input method types in full width ("ｌｉ＠ｑｑ．ｃｏｍ") into ASCII; the
    whole address is lower-cased, because the mailboxes residents use (QQ, 163, Gmail, government mail)
    ignore case in the name as well; an IDN domain is kept in its ASCII (xn--) form, which any mail
    server accepts. A non-ASCII mailbox name would need SMTPUTF8 from every server on the way: refused."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    local, at, domain = value.rpartition("@")
    if not at:
        return None
    try:
        domain = DOTS.sub(".", domain).encode("idna").decode("ascii")
    except UnicodeError:  # an empty or over-long label, or characters IDNA refuses
        return None
    address = f"{local}@{domain}".lower()
    if len(address) > 254 or not EMAIL_RE.fullmatch(address):
        return None
    return address


class TooManyRequests(Exception):
    """This address has been asked for PER_ADDRESS times already."""


def _count_request(email: str) -> None:
    """Every request counts, also for an address that already follows: if those did not, the limit's answer
    would tell who follows what."""
    if current_app.config.get("RATELIMIT_ENABLED", True) and not limiter.limiter.hit(PER_ADDRESS, "follow", email):
        raise TooManyRequests()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_signature(sub: Subscription) -> str:
    """Signs the row and its random token hash, so a link cannot be guessed nor outlive its row."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"unsubscribe:{sub.id}:{sub.token_hash}".encode(), hashlib.sha256).hexdigest()[:32]


@contextmanager
def _links():
    """Absolute links in mails: always PORTAL_PUBLIC_URL, never the request's host (a forged Host header
    would put someone else's site in a mail; staff may reach the site by another name; the command line has
    no request). The settings refuse mail without it; only an app built by hand (tests) falls back to
    localhost."""
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or "http://localhost/"):
        yield


def thing_name(kind: str, key: str, lang: str) -> str | None:
    with force_locale(lang):
        if kind == "comment":
            feedback_id = int_or_none(key)
            fb = db.session.get(Feedback, feedback_id) if feedback_id is not None else None
            return gettext(YOUR_COMMENT, code=fb.tracking_code) if fb else None
        found = updates.scope(kind, key)
        if found is None:
            return None
        name = found.title(lang)
        return f"{found.key} {name}" if kind == "item" else name


def subscribe(email: str, kind: str, key: str, lang: str) -> None:
    """Queues a confirmation mail unless the address already follows this; says nothing either way, so
    the form cannot be used to learn who follows what. TooManyRequests past PER_ADDRESS."""
    email = normalise_email(email)
    key = updates.item_key(str(key)) if kind == "item" else str(key)
    name = thing_name(kind, key, lang) if kind in KINDS else None
    if email is None or name is None:
        raise ValueError("not an address or nothing to follow")
    _count_request(email)
    sub = db.session.scalar(select(Subscription).where(Subscription.email == email, Subscription.kind == kind,
                                                       Subscription.key == str(key)))
    if sub is not None and (sub.confirmed_at is not None or sub.created_at >= utcnow() - RESEND_AFTER):
        return
    token = secrets.token_urlsafe(24)
    if sub is None:
        sub = Subscription(email=email, kind=kind, key=str(key), lang=lang)
        db.session.add(sub)
    # The new link lives UNCONFIRMED_FOR from now, as its mail says, and the purge counts from here too.
    sub.lang, sub.token_hash, sub.created_at = lang, _token_hash(token), utcnow()
    with _links(), force_locale(lang):
        url = url_for("follow.confirm", lang=lang, token=token, _external=True)
        mail.enqueue(email, gettext(CONFIRM_SUBJECT, name=name), gettext(CONFIRM_BODY, name=name, url=url),
                     feedback_id=int(key) if kind == "comment" else None)
    try:
        db.session.commit()
    except IntegrityError:
        # The same request at the same moment (a double tap) stored the row first and queued its mail.
        db.session.rollback()


def asked(email: str, kind: str, key: str) -> bool:
    """Whether this address already follows this thing or asked to (confirmed or not)."""
    return db.session.scalar(select(Subscription.id).where(
        Subscription.email == normalise_email(email), Subscription.kind == kind, Subscription.key == key)) is not None


def pending(token: str) -> Subscription | None:
    """The unconfirmed request a mailed link names, while the link is valid: the daily purge may come up
    to a day late, or not at all where its timer is not installed."""
    return db.session.scalar(select(Subscription).where(Subscription.token_hash == _token_hash(token or ""),
                                                        Subscription.confirmed_at.is_(None),
                                                        Subscription.created_at >= utcnow() - UNCONFIRMED_FOR))


def confirm(token: str) -> Subscription | None:
    """The one-time link: confirms once; afterwards the same link finds nothing."""
    sub = pending(token)
    if sub is None:
        return None
    sub.confirmed_at = utcnow()
    sub.token_hash = _token_hash(secrets.token_urlsafe(24))  # the mailed token is used up
    db.session.commit()
    return sub


def for_unsubscribe(sub_id: int, signature: str) -> Subscription | None:
    sub = db.session.get(Subscription, sub_id)
    if sub is None or not hmac.compare_digest(unsubscribe_signature(sub), signature or ""):
        return None
    return sub


def unsubscribe(sub: Subscription) -> None:
    """Deletes the address's row and the mails for it still waiting in the queue (the server was down, or
    the next run is under a minute away): nothing may reach an address after its "stop". A waiting mail
    that another of its subscriptions also called for goes too; one fewer mail is the lesser fault."""
    link = f"/follow/unsubscribe/{sub.id}/"
    for message in db.session.scalars(select(MailMessage).where(MailMessage.to == sub.email,
                                                                MailMessage.sent_at.is_(None))):
        if link in (message.headers or {}).get("List-Unsubscribe", ""):
            db.session.delete(message)
    db.session.delete(sub)
    db.session.commit()


def _update_mail(sub: Subscription, event, feedback_id: int | None) -> None:
    with force_locale(sub.lang):
        name = thing_name(sub.kind, sub.key, sub.lang) or ""
        url = url_for("follow.unsubscribe", lang=sub.lang, sub_id=sub.id, signature=unsubscribe_signature(sub),
                      _external=True)
        text = "\n\n".join((updates.body(event, sub.lang), updates.link(event, sub.lang),
                            "-- \n" + gettext(UPDATE_FOOTER, name=name, url=url)))
        mail.enqueue(sub.email, updates.title(event, sub.lang), text,
                     {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                     feedback_id=feedback_id)


def notify(event, extra: tuple[tuple[str, str], ...] = (), feedback_id: int | None = None) -> int:
    """Queues one mail per confirmed address following anything the update belongs to (one per address
    even if it follows the work point and its place), in the caller's transaction. `feedback_id`: the
    comment the update is about (its answer), whose withdrawal takes the mails still waiting."""
    if not mail.enabled():
        return 0
    pairs = updates.followed_by(event) + [p for p in extra if p[1]]
    subs = db.session.scalars(select(Subscription).where(
        Subscription.confirmed_at.is_not(None),
        or_(*(and_(Subscription.kind == k, Subscription.key == v) for k, v in pairs))).order_by(Subscription.id))
    chosen = {}
    for sub in subs:
        chosen.setdefault(sub.email, sub)
    with _links():
        for sub in chosen.values():
            _update_mail(sub, event, feedback_id)
    return len(chosen)


def on_status(entry: StatusUpdate) -> None:
    from .content import content

    notify(updates.status_event(entry, content(entry.plan).item(entry.item_code)))


def on_stage(entry: SiteStageUpdate) -> None:
    notify(updates.stage_event(entry))


def on_reply(fb: Feedback) -> None:
    event = updates.reply_event(fb)
    if event is not None:
        notify(event, (("comment", str(fb.id)), ("place", fb.place_slug or "")), feedback_id=fb.id)


def counts() -> dict[str, dict[str, int]]:
    """Confirmed and unconfirmed subscriptions per kind: all staff ever see of them."""
    out = {kind: {"confirmed": 0, "unconfirmed": 0} for kind in KINDS}
    rows = db.session.execute(select(Subscription.kind, Subscription.confirmed_at.is_not(None), func.count())
                              .group_by(Subscription.kind, Subscription.confirmed_at.is_not(None)))
    for kind, confirmed, n in rows:
        out.setdefault(kind, {"confirmed": 0, "unconfirmed": 0})["confirmed" if confirmed else "unconfirmed"] += n
    return out


def forget_comment(feedback_id: int) -> None:
    """Erases the addresses waiting for a comment's answer (withdrawn or its contact data purged), and the
    mails about it still waiting in the queue (its confirmation, its answer, to them or to the place's
    followers): nothing about a withdrawn comment may reach anyone afterwards."""
    db.session.execute(delete(Subscription).where(Subscription.kind == "comment",
                                                  Subscription.key == str(feedback_id)))
    db.session.execute(delete(MailMessage).where(MailMessage.feedback_id == feedback_id,
                                                 MailMessage.sent_at.is_(None)))
