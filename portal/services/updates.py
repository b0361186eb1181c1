"""What happened to one thing: the published updates of a work point, a project site, a place, an office
or an action area (status entries, site stage entries, official replies), newest first.

One service for every feed and every follow mail, so a feed and a mail never disagree about what an
update is, what it is called or where it links to.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import force_locale, gettext
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..inputs import int_or_none
from ..i18n import LANGS, N_, localized
from ..punctuation import marks, sentence_end
from ..models import Feedback, ProjectSite, SiteStageUpdate, StatusUpdate
from ..page_address import absolute_url
from ..states import ModerationState
from .clock import town_day
from .content import content, registry
from .dashboard import Event
from . import sites as site_rules  # a module, not a name: sites.py imports follow.py, which imports this
from .status import NO_REPORT_MESSAGE, STATUSES

FEED_KINDS = ("item", "site", "place", "office", "area")
REPLY = N_("Official reply")
HAPPENED_ON = N_("Happened on %(date)s")


@dataclass(frozen=True)
class Scope:
    """The clauses that pick one thing's updates; None means that kind of update cannot belong to it."""

    kind: str
    key: str
    name: object  # a content Text, or {"zh": ..., "en": ...} for a site
    status: object | None
    stage: object | None
    reply: object | None

    def title(self, lang: str) -> str:
        return self.name.get(lang) if hasattr(self.name, "get") else str(self.name)


def _site_name(site: ProjectSite) -> dict:
    return {lang: localized(site, "name", lang) for lang in LANGS}


def item_key(key: str) -> str:
    """A work point's follow key, "<plan>/<code>": codes repeat from plan to plan. A bare code is one of
    the plan in view."""
    return key if "/" in key else f"{content().plan.slug}/{key}"


def scope(kind: str, key: str) -> Scope | None:
    """The scope of one followable thing, or None when it does not exist."""
    store = content()
    if kind == "item" and "/" in key:
        plan, _, key = key.partition("/")
        if registry().store(plan) is None:
            return None
        store = content(plan)
    if kind == "site":
        site_id = int_or_none(key)
        site = db.session.get(ProjectSite, site_id) if site_id is not None else None
        if site is None:
            return None
        return Scope(kind, str(site.id), _site_name(site), None, SiteStageUpdate.site_id == site.id,
                     Feedback.site_id == site.id)
    if kind == "place":
        place = store.place(key)
        if place is None:
            return None
        codes = [i.code for i in store.items_by_place(key)]
        plan = store.plan.slug
        site_ids = select(ProjectSite.id).where(ProjectSite.plan == plan, ProjectSite.place_slug == key)
        return Scope(kind, key, place.name, and_(StatusUpdate.plan == plan, StatusUpdate.item_code.in_(codes)),
                     and_(ProjectSite.plan == plan, ProjectSite.place_slug == key),
                     and_(Feedback.plan == plan, or_(Feedback.place_slug == key, Feedback.site_id.in_(site_ids))))
    if kind == "item":
        found = store.item(key)
        name, codes = (found.title, [found.code]) if found else (None, None)
    elif kind == "office":
        found = store.office(key)
        name, codes = (found.name, [i.code for i in store.items_by_office(key)]) if found else (None, None)
    elif kind == "area":
        number = int_or_none(key)
        found = store.section(number) if number is not None else None
        name, codes = (found.title, [i.code for i in found.items]) if found else (None, None)
    else:
        return None
    if codes is None:
        return None
    plan = store.plan.slug
    return Scope(kind, str(key), name, and_(StatusUpdate.plan == plan, StatusUpdate.item_code.in_(codes)),
                 and_(ProjectSite.plan == plan, ProjectSite.item_code.in_(codes)),
                 and_(Feedback.plan == plan, Feedback.item_code.in_(codes)))


def _status_events(clause, limit: int) -> list[Event]:
    rows = db.session.scalars(select(StatusUpdate).where(clause)
                              .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc()).limit(limit))
    return [status_event(u, content(u.plan).item(u.item_code)) for u in rows if content(u.plan).item(u.item_code)]


def _stage_events(clause, limit: int) -> list[Event]:
    rows = db.session.scalars(select(SiteStageUpdate).join(ProjectSite).where(clause)
                              .options(selectinload(SiteStageUpdate.site))
                              .order_by(SiteStageUpdate.created_at.desc(), SiteStageUpdate.id.desc()).limit(limit))
    return [stage_event(s) for s in rows if content(s.site.plan).item(s.site.item_code)]


def _reply_events(clause, limit: int) -> list[Event]:
    rows = db.session.scalars(select(Feedback).where(and_(clause, Feedback.state == ModerationState.PUBLISHED,
                                                          Feedback.reply_body.is_not(None),
                                                          Feedback.replied_at.is_not(None)))
                              .order_by(Feedback.replied_at.desc(), Feedback.id.desc()).limit(limit))
    return [e for e in (reply_event(fb) for fb in rows) if e is not None]


def events(found: Scope, limit: int = 50) -> list[Event]:
    """The newest `limit` updates of one thing, newest publication first."""
    out: list[Event] = []
    if found.status is not None:
        out += _status_events(found.status, limit)
    out += _stage_events(found.stage, limit)
    out += _reply_events(found.reply, limit)
    out.sort(key=lambda e: (e.published_at, e.kind == "status", e.id), reverse=True)
    return out[:limit]


def status_event(u: StatusUpdate, item) -> Event:
    return Event("status", u.id, item, u.status, u.note_zh, u.note_en or "", u.happened_on, u.created_at)


def stage_event(s: SiteStageUpdate) -> Event:
    return Event("site", s.id, content(s.site.plan).item(s.site.item_code), s.stage, s.note_zh or "", s.note_en or "",
                 s.happened_on, s.created_at, s.site)


def reply_event(fb: Feedback) -> Event | None:
    item = content(fb.plan).item(fb.item_code)
    if item is None or not fb.reply_body or fb.replied_at is None:
        return None
    site = db.session.get(ProjectSite, fb.site_id) if fb.site_id else None
    return Event("reply", fb.id, item, "reply", fb.reply_body, fb.reply_body, town_day(fb.replied_at),
                 fb.replied_at, site)


# --- How an update reads, in one language ------------------------------------------------------

def in_lang(lang: str, message: str, **kwargs) -> str:
    with force_locale(lang):
        return gettext(message, **kwargs)


def state_message(event: Event) -> str:
    if event.kind == "reply":
        return REPLY
    return site_rules.STAGES.get(event.code, event.code) if event.kind == "site" else STATUSES.get(event.code, NO_REPORT_MESSAGE)


def title(event: Event, lang: str) -> str:
    item = event.item
    head = f"{item.code} {item.title.get(lang)}"
    if event.site is not None:
        name = localized(event.site, "name", lang)
        head += f" · {name}"
    return f"{head}{marks(lang)['colon']}{in_lang(lang, state_message(event))}"


def body(event: Event, lang: str) -> str:
    when = in_lang(lang, HAPPENED_ON, date=event.happened_on.isoformat())
    note = event.note(lang)
    return f"{sentence_end(when, lang)}{marks(lang)['space']}{note}" if note else sentence_end(when, lang)


def link(event: Event, lang: str) -> str:
    if event.kind == "reply":
        anchor = f"#comment-{event.id}"
    else:
        anchor = f"#stage-{event.id}" if event.kind == "site" else f"#update-{event.id}"
    if event.site is not None:
        return absolute_url(url_for("public.site", lang=lang, plan=event.item.plan, code=event.item.code, site_id=event.site.id)) + anchor
    return absolute_url(url_for("public.item", lang=lang, plan=event.item.plan, code=event.item.code)) + anchor


def followed_by(event: Event, comment_id: int | None = None) -> list[tuple[str, str]]:
    """The followable things an update belongs to: (kind, key) pairs for subscriptions."""
    out = [("item", f"{event.item.plan}/{event.item.code}")]
    if event.site is not None:
        out.append(("site", str(event.site.id)))
        if event.site.place_slug:
            out.append(("place", event.site.place_slug))
    if event.kind == "status":
        out += [("place", p.slug) for p in (event.item.places or ())]
    if comment_id is not None:
        out.append(("comment", str(comment_id)))
    return list(dict.fromkeys(out))

