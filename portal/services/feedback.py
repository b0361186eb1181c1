"""Resident feedback: submission with spam and duplicate guards, masking, moderation, flags.

Nothing a resident sends is deleted: rejected and hidden comments stay with their reason.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..pagination import paginate
from ..i18n import HAN_RE, N_
from ..models import Feedback, FeedbackFlag, utcnow
from ..states import ModerationState
from . import audit, follow
from .content import plan_slug
from .errors import NotAllowed
from .events import feedback_changed
from .locks import hold_write_lock
from .moderation_transitions import ModerationAction, allows, transition
from .masking import is_contact_phone, mask_personal_data, plain_name

KINDS = {
    "suggestion": N_("Suggestion"),
    "question": N_("Question"),
    "concern": N_("Concern"),
    "praise": N_("Praise"),
}
STATES = {
    ModerationState.PENDING: N_("Received, waiting for review"),
    ModerationState.PUBLISHED: N_("Published"),
    ModerationState.REJECTED: N_("Not published"),
    ModerationState.HIDDEN: N_("Removed from the site"),
    ModerationState.WITHDRAWN: N_("Withdrawn by its author"),
}
FLAGS_TO_REVIEW = 3
DUPLICATE_WINDOW = timedelta(minutes=10)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out on the phone
# 31**10 ≈ 8×10^14 codes: guessing one is hopeless at the look-up rate limit. Six-character codes
# issued before keep working.
CODE_LENGTH = 10
OLD_CODE_LENGTH = 6


class RateLimited(Exception):
    pass


@dataclass
class Submission:
    feedback: Feedback
    created: bool


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张*丰, 张三 → 张*, John Smith → J*** S***."""
    name = plain_name(name)
    if not name:
        return None
    if HAN_RE.search(name):
        # Counted without gaps: a space or an invisible character typed between surname and given name
        # would take the star, and 张 三 showed as 张*三, the whole name.
        name = "".join(ch for ch in name if not ch.isspace() and unicodedata.category(ch) != "Cf")
        if len(name) == 1:
            return "*"
        if len(name) == 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return " ".join(w[0] + "***" for w in name.split() if w)


def public_name(fb: Feedback) -> str | None:
    if fb.show_full_name and plain_name(fb.display_name):
        return mask_personal_data(plain_name(fb.display_name))
    return mask_name(fb.display_name)


def _hash(*parts: str) -> str:
    key = current_app.config["SECRET_KEY"]
    return hashlib.sha256("\x1f".join((key, *parts)).encode()).hexdigest()[:40]


def new_tracking_code() -> str:
    for _ in range(20):
        code = "ZJ-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(select(Feedback.id).where(Feedback.tracking_code == code)):
            return code
    raise RuntimeError("could not allocate a tracking code")  # pragma: no cover


def code_candidates(typed: str | None) -> list[str]:
    """The stored forms a typed code can mean: full-width letters, lower case, spaces and dashes
    (`zj 7k3q-9m`, `ＺＪ－７Ｋ３Ｑ９Ｍ`) are what residents type; the ZJ prefix may be left out."""
    raw = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", typed or "")[:64]).upper()
    bodies = [raw] + ([raw[2:]] if raw.startswith("ZJ") else [])
    return [f"ZJ-{b}" for b in bodies if len(b) in (CODE_LENGTH, OLD_CODE_LENGTH) and b.isascii() and b.isalnum()]


def find_by_code(code: str | None) -> Feedback | None:
    candidates = code_candidates(code)
    if not candidates:
        return None
    return db.session.scalar(select(Feedback).where(Feedback.tracking_code.in_(candidates)))


def submit(item_code: str, *, body: str, kind: str, ip: str, lang: str, display_name: str | None = None,
           show_full_name: bool = False, contact: str | None = None, place_slug: str | None = None,
           site_id: int | None = None, browser: str | None = None, plan: str | None = None) -> Submission:
    """`browser` identifies the sender's browser session: the same text sent twice from it (a double
    click, the back button) is stored once, while two residents behind one address (shared Wi-Fi, a
    carrier NAT) each get their own comment. Without it (CLI, scripts) the address stands in."""
    body = body.strip()
    ip_hash = _hash("ip", ip or "")
    sender = _hash("browser", browser) if browser else ip_hash
    plan = plan or plan_slug()
    body_hash = _hash("body", sender, plan, item_code, str(site_id or ""), re.sub(r"\s+", " ", body))
    # Checks and insert as one step per address: a double click or parallel requests from one address
    # must not both pass the duplicate check or the limit (other workers, other nodes included).
    hold_write_lock(f"feedback:{ip_hash}")
    now = utcnow()
    # A comment its author withdrew meanwhile is not one to send them back to: sent again, it is meant again.
    duplicate = db.session.scalar(
        select(Feedback).where(Feedback.body_hash == body_hash, Feedback.created_at >= now - DUPLICATE_WINDOW,
                               Feedback.state != ModerationState.WITHDRAWN)
        .order_by(Feedback.id.desc())
    )
    if duplicate:
        code = duplicate.id
        db.session.rollback()  # releases the lock; nothing was written
        return Submission(db.session.get(Feedback, code), False)
    window = timedelta(seconds=current_app.config["FEEDBACK_RATE_WINDOW"])
    recent = db.session.scalar(
        select(func.count(Feedback.id)).where(Feedback.ip_hash == ip_hash, Feedback.created_at >= now - window)
    )
    if recent >= current_app.config["FEEDBACK_RATE_LIMIT"]:
        db.session.rollback()
        raise RateLimited()
    fb = Feedback(
        tracking_code=new_tracking_code(), plan=plan, item_code=item_code, site_id=site_id, place_slug=place_slug or None,
        kind=kind, body=body, body_public=mask_personal_data(body), display_name=(display_name or "").strip() or None,
        show_full_name=bool(show_full_name), contact=(contact or "").strip() or None, lang=lang, state=ModerationState.PENDING,
        ip_hash=ip_hash, body_hash=body_hash, created_at=now,
    )
    db.session.add(fb)
    db.session.commit()
    return Submission(fb, True)


COMMENTS_PER_PAGE = 20


def published_page(item_code: str, site_id: int | None, page: int, per_page: int = COMMENTS_PER_PAGE):
    """One page of a thread, newest first (an index walk, however long the thread); within the page,
    comments with an official reply come first, so residents see the town's answers at once."""
    stmt = select(Feedback).where(Feedback.plan == plan_slug(), Feedback.item_code == item_code,
                                  Feedback.state == ModerationState.PUBLISHED)
    if site_id is not None:
        stmt = stmt.where(Feedback.site_id == site_id)
    result = paginate(stmt.order_by(Feedback.created_at.desc(), Feedback.id.desc()), page, per_page)
    result.items.sort(key=lambda fb: fb.reply_body is None)
    return result


def queue(state: ModerationState = ModerationState.PENDING) -> list[Feedback]:
    stmt = select(Feedback).where(Feedback.state == state).order_by(Feedback.created_at.desc(), Feedback.id.desc())
    return list(db.session.scalars(stmt))


def _snapshot(fb: Feedback) -> dict:
    return {"state": fb.state, "reject_reason": fb.reject_reason, "reply": fb.reply_body, "flags": fb.flag_count}


# Inside a bulk decision: item code -> (last comment id, published?), so each item is re-indexed once at the end.
_deferred: ContextVar[dict | None] = ContextVar("feedback_deferred", default=None)


def _notify(fb: Feedback) -> None:
    deferred = _deferred.get()
    if deferred is not None:
        deferred[(fb.plan, fb.item_code)] = (fb.id, fb.state == ModerationState.PUBLISHED)
        return
    feedback_changed.send(current_app._get_current_object(), feedback_id=fb.id, item_code=fb.item_code,
                          plan=fb.plan, published=fb.state == ModerationState.PUBLISHED)


@contextmanager
def _one_signal_per_item():
    token = _deferred.set({})
    try:
        yield
    finally:
        deferred = _deferred.get()
        _deferred.reset(token)
        app = current_app._get_current_object()
        for (plan, item_code), (feedback_id, published) in deferred.items():
            feedback_changed.send(app, feedback_id=feedback_id, item_code=item_code, plan=plan, published=published)


def _changed(fb: Feedback, before: dict, action: str, actor) -> None:
    fb.moderated_at = utcnow()
    fb.moderated_by = actor.id if actor else None
    audit.record(action, "feedback", fb.id, before, _snapshot(fb), actor=actor)
    if fb.state == ModerationState.PUBLISHED and fb.reply_body and fb.reply_body != before["reply"]:
        follow.on_reply(fb)  # queued with the reply, in the same transaction
    db.session.commit()
    _notify(fb)


def _refuse(fb: Feedback) -> NotAllowed:
    return NotAllowed(N_("Comment %(code)s is now “%(state)s”; nothing was changed. Please check it again."),
                      code=fb.tracking_code, state=lazy_gettext(STATES[fb.state]))


def _locked(fb: Feedback) -> None:
    """Before a moderator's decision: no colleague's decision on the comment interleaves, and the one
    committed just before is what is checked."""
    hold_write_lock(f"feedback-decision:{fb.id}")
    db.session.refresh(fb)


def version(fb: Feedback) -> str:
    """What a moderation form is built from: the state, and the last decision (a reply keeps the state)."""
    return f"{fb.state}@{fb.moderated_at.isoformat() if fb.moderated_at else ''}"


def _move(fb: Feedback, action: ModerationAction, expected: str | None = None, actor=None,
          already=lambda fb: False) -> ModerationState | None:
    """The state `action` leads to (see moderation_transitions); None when this very decision is what the
    comment now holds, by this moderator (the form sent twice): nothing to do. NotAllowed when the action
    does not apply to the comment as it is now, or it changed after the moderator's page was built
    (`expected`: version(), or a bare state from a page built before versions)."""
    if expected and expected != (version(fb) if "@" in expected else fb.state):
        if actor is not None and fb.moderated_by == actor.id and already(fb):
            db.session.rollback()
            return None
        raise _refuse(fb)
    found = transition(fb, action)
    if found is None:
        raise _refuse(fb)
    return found.target


def approve(fb: Feedback, actor, reply: str | None = None, expected_state: str | None = None) -> None:
    reply = (reply or "").strip()
    _locked(fb)
    target = _move(fb, ModerationAction.APPROVE, expected_state, actor, lambda fb: (
        fb.state == ModerationState.PUBLISHED and (not reply or fb.reply_body == reply)))
    if target is None:
        return
    before = _snapshot(fb)
    fb.state = target
    fb.reject_reason = None
    fb.flag_count = 0
    if reply:
        fb.reply_body = reply
        fb.replied_at = utcnow()
        fb.replied_by = actor.id if actor else None
    _changed(fb, before, "feedback.approve", actor)


def reject(fb: Feedback, reason: str, actor, expected_state: str | None = None, reason_code: str | None = None) -> None:
    _withhold(fb, ModerationAction.REJECT, reason, actor, expected_state, reason_code)


def hide(fb: Feedback, reason: str, actor, expected_state: str | None = None, reason_code: str | None = None) -> None:
    _withhold(fb, ModerationAction.HIDE, reason, actor, expected_state, reason_code)


def _withhold(fb: Feedback, action: ModerationAction, reason: str, actor, expected_state: str | None,
              reason_code: str | None) -> None:
    """Reject and hide differ only in the transition and the audit action: both keep a reason."""
    reason = reason.strip()  # required and measured by the moderation forms
    _locked(fb)
    withheld = ModerationState.REJECTED if action == ModerationAction.REJECT else ModerationState.HIDDEN
    target = _move(fb, action, expected_state, actor, lambda fb: (fb.state, fb.reject_reason) == (withheld, reason))
    if target is None:
        return
    before = _snapshot(fb)
    fb.state = target
    fb.reject_reason = reason
    fb.reason_code = _reason_code(reason_code)
    _changed(fb, before, f"feedback.{action.value}", actor)


def _reason_code(code: str | None) -> str | None:
    """The kind of reason the public moderation record counts; unknown codes are not stored."""
    from .moderation_record import REASONS

    return code if code in REASONS else None


def reply(fb: Feedback, text: str, actor, expected_state: str | None = None) -> None:
    text = text.strip()
    _locked(fb)
    target = _move(fb, ModerationAction.REPLY, expected_state, actor, lambda fb: (
        fb.state == ModerationState.PUBLISHED and fb.reply_body == text))
    if target is None:
        return
    before = _snapshot(fb)
    fb.state = target
    fb.reply_body = text
    fb.replied_at = utcnow()
    fb.replied_by = actor.id if actor else None
    _changed(fb, before, "feedback.reply", actor)


def can_withdraw(fb: Feedback) -> bool:
    return allows(fb, ModerationAction.WITHDRAW)


def withdraw(fb: Feedback) -> bool:
    """The author takes their comment back (from the tracking page): off the site at once, kept for the
    record as "withdrawn by its author"; nobody waits for its answer any more. False if it cannot be withdrawn (any more)."""
    _locked(fb)
    if not can_withdraw(fb):
        return False
    before = _snapshot(fb)
    fb.state = _move(fb, ModerationAction.WITHDRAW)
    fb.withdrawn_at = utcnow()
    follow.forget_comment(fb.id)
    audit.record("feedback.withdraw", "feedback", fb.id, before, _snapshot(fb), actor=None)
    db.session.commit()
    _notify(fb)
    return True


def flag(fb: Feedback, reason: str, ip: str) -> bool:
    """Anyone may flag a published comment; after a few flags it goes back to the moderators.
    Returns True when the comment left the public page."""
    _locked(fb)
    if not allows(fb, ModerationAction.FLAG_BACK):  # only a public comment can be reported
        return False
    ip_hash = _hash("ip", ip or "")
    already = db.session.scalar(select(FeedbackFlag.id).where(FeedbackFlag.feedback_id == fb.id,
                                                              FeedbackFlag.ip_hash == ip_hash))
    if already:
        return False
    db.session.add(FeedbackFlag(feedback_id=fb.id, reason=reason.strip(), ip_hash=ip_hash))
    fb.flag_count += 1
    back = fb.flag_count >= FLAGS_TO_REVIEW
    if back:
        before = _snapshot(fb)
        fb.state = _move(fb, ModerationAction.FLAG_BACK)
        audit.record("feedback.flagged_back_to_review", "feedback", fb.id, before, _snapshot(fb), actor=None)
    db.session.commit()
    if back:
        feedback_changed.send(current_app._get_current_object(), feedback_id=fb.id, item_code=fb.item_code,
                              plan=fb.plan, published=False)
    return back


def flags_by_comment(ids: list[int]) -> dict[int, list[FeedbackFlag]]:
    """Readers' reports of several comments in one query (a queue page must not query per card)."""
    out: dict[int, list[FeedbackFlag]] = {}
    if ids:
        for flag in db.session.scalars(select(FeedbackFlag).where(FeedbackFlag.feedback_id.in_(ids))
                                       .order_by(FeedbackFlag.id)):
            out.setdefault(flag.feedback_id, []).append(flag)
    return out


def moderator_names(comments: list[Feedback]) -> dict[int, str]:
    from ..models import StaffUser

    ids = {fb.moderated_by for fb in comments if fb.moderated_by}
    if not ids:
        return {}
    return dict(db.session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids))).all())


def contacts_of(ids) -> list[str]:
    """The contacts residents gave with these comments: a bulk reason quoting one back is warned about."""
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return []
    return list(db.session.scalars(select(Feedback.contact).where(Feedback.id.in_(ids), Feedback.contact.is_not(None))))


def has_letters_or_digits(text: str | None) -> bool:
    """A comment must say something in words or numbers: emoji or punctuation alone is not a comment.
    Any script counts (Unicode categories L* and N*), so Chinese, English and full-width digits pass."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in (text or ""))


def normalize_newlines(text: str | None) -> str | None:
    """Browsers send line breaks as CRLF but count them as one character in maxlength and in our
    live count; the server counts the same way."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text


def valid_contact(value: str) -> bool:
    from .follow import normalise_email  # the one reading of an address, also for "tell me the answer"

    value = unicodedata.normalize("NFKC", value).strip()
    return bool(normalise_email(value) or is_contact_phone(value))


# --- The moderators' views -------------------------------------------------------------------

VIEWS = {
    "queue": N_("To review"),
    ModerationState.PUBLISHED: N_("Published"),
    ModerationState.REJECTED: N_("Not published"),
    ModerationState.HIDDEN: N_("Removed from the site"),
    ModerationState.WITHDRAWN: N_("Withdrawn by its author"),
    "all": N_("All"),
}
PAGE_SIZE = 50


def _in_view(stmt, view: str):
    if view == "queue":
        return stmt.where(Feedback.in_queue)
    if view in STATES:
        return stmt.where(Feedback.state == view)
    if view == "all":
        return stmt
    raise ValueError(f"unknown view {view!r}")


def of_office(office_slug: str):
    """Comments on the work points an office is responsible for, in every served plan."""
    from .content import registry

    return or_(*(and_(Feedback.plan == slug, Feedback.item_code.in_([i.code for i in store.items_by_office(office_slug)]))
                 for slug, store in registry().stores.items()))


def moderation_list(view: str = "queue", office_slug: str | None = None, page: int = 1):
    """Newest first, PAGE_SIZE a page: a Pagination with the exact total and the page numbers."""
    stmt = _in_view(select(Feedback), view)
    if office_slug:
        stmt = stmt.where(of_office(office_slug))
    return paginate(stmt.order_by(Feedback.created_at.desc(), Feedback.id.desc()), page, PAGE_SIZE)


def counts(office_slug: str | None = None) -> dict[str, int]:
    """How many comments are in each state, plus the reported ones (public or back in the queue), in one query."""
    stmt = (select(Feedback.state, func.count(), func.count().filter(Feedback.flag_count > 0),
                   func.count().filter(Feedback.in_queue)).group_by(Feedback.state))
    if office_slug:
        stmt = stmt.where(of_office(office_slug))
    out = {state: 0 for state in STATES} | {"queue": 0}
    flagged_by_state: dict[str, int] = {}
    for state, n, n_flagged, n_queue in db.session.execute(stmt):
        out[state] = n
        flagged_by_state[state] = n_flagged
        out["queue"] += n_queue
    out["flagged_public"] = flagged_by_state.get(ModerationState.PUBLISHED, 0)
    out["flagged_back"] = flagged_by_state.get(ModerationState.PENDING, 0)
    out["all"] = sum(out[state] for state in STATES)
    return out


@dataclass
class BulkResult:
    done: list[Feedback]
    skipped: list[Feedback]  # changed meanwhile by someone else, or not in a state the action applies to
    missing: list[int]


def _bulk(ids, action) -> BulkResult:
    result = BulkResult([], [], [])
    with _one_signal_per_item():
        for fid in dict.fromkeys(ids):  # each once, in the order given
            fb = db.session.get(Feedback, fid)
            if fb is None:
                result.missing.append(fid)
                continue
            try:
                action(fb)
            except NotAllowed:
                db.session.rollback()
                result.skipped.append(fb)
            else:
                result.done.append(fb)
    return result


def _require_queue(fb: Feedback) -> None:
    if not fb.in_queue:
        raise _refuse(fb)


def bulk_approve(ids, actor) -> BulkResult:
    """Each comment is approved, audited and committed on its own, so one that cannot be approved
    does not hold up the rest. Only comments in the queue: a comment someone rejected meanwhile stays
    rejected (publishing it after all is a decision of its own, on its own page)."""
    def one(fb: Feedback) -> None:
        _locked(fb)
        _require_queue(fb)
        approve(fb, actor)

    return _bulk(ids, one)


def bulk_reject(ids, reason: str, actor, reason_code: str | None = None) -> BulkResult:
    """Waiting comments are not published; reported comments that are still public are removed.
    Both keep the reason, which the resident reads on the tracking page."""
    reason = reason.strip()  # required and measured by the moderation forms

    def one(fb: Feedback) -> None:
        _locked(fb)
        _require_queue(fb)
        if fb.state == ModerationState.PUBLISHED:
            hide(fb, reason, actor, reason_code=reason_code)
        else:
            reject(fb, reason, actor, reason_code=reason_code)

    return _bulk(ids, one)
