"""Atom feeds of published updates: status entries of work points and stage entries of project sites.
/feed.atom carries Chinese and English side by side; /zh/feed.atom and /en/feed.atom one language."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from feedgen.feed import FeedGenerator
from flask import url_for
from flask_babel import force_locale, gettext

from ..i18n import N_
from ..services import dashboard
from ..services.sites import STAGES
from ..services.status import NO_REPORT_MESSAGE, STATUSES

FEED_SIZE = 50
FEED_TITLE = N_("Zhangjiang Work Points 2023: latest updates")
FEED_SUBTITLE = N_("Status and progress updates published for the work points of notice 浦张府〔2023〕45号.")
SITE_NAME = N_("Zhangjiang Work Points 2023")
HAPPENED_ON = N_("Happened on %(date)s")
# Entry ids must not change when the site moves host, so they are derived from the database id.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "zhangjiang-work-points-2023")
# An empty feed is dated by the notice itself (Shanghai time).
NOTICE_PUBLISHED = datetime(2023, 6, 21, tzinfo=timezone(timedelta(hours=8)))


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc)


def _in(lang: str, message: str, **kwargs) -> str:
    with force_locale(lang):
        return gettext(message, **kwargs)


def _state(event: dashboard.Event) -> str:
    return STAGES.get(event.code, event.code) if event.kind == "site" else STATUSES.get(event.code, NO_REPORT_MESSAGE)


def _title(event: dashboard.Event, lang: str) -> str:
    item = event.item
    head = f"{item.code} {item.title.get(lang)}"
    if event.site is not None:
        name = event.site.name_en if lang == "en" and event.site.name_en else event.site.name_zh
        head += f" · {name}"
    return f"{head}: {_in(lang, _state(event))}"


def _body(event: dashboard.Event, lang: str) -> str:
    when = _in(lang, HAPPENED_ON, date=event.happened_on.isoformat())
    note = event.note(lang)
    return f"{when}. {note}" if note else f"{when}."


def _link(event: dashboard.Event, lang: str) -> str:
    if event.site is not None:
        return url_for("public.site", lang=lang, code=event.item.code, site_id=event.site.id,
                       _external=True) + f"#stage-{event.id}"
    return url_for("public.item", lang=lang, code=event.item.code, _external=True) + f"#update-{event.id}"


def atom_feed(lang: str | None) -> bytes:
    langs = (lang,) if lang else ("zh", "en")
    events = dashboard.recent_events(FEED_SIZE)
    fg = FeedGenerator()
    self_url = url_for("public.feed", lang=lang, _external=True)
    fg.id(self_url)
    fg.title(" / ".join(_in(lg, FEED_TITLE) for lg in langs))
    fg.subtitle(" / ".join(_in(lg, FEED_SUBTITLE) for lg in langs))
    fg.author({"name": " / ".join(_in(lg, SITE_NAME) for lg in langs)})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=url_for("public.progress", lang=lang or "zh", _external=True), rel="alternate", type="text/html")
    if lang:
        fg.language("zh-Hans" if lang == "zh" else "en")
    fg.updated(_utc(events[0].published_at) if events else NOTICE_PUBLISHED)
    for event in events:
        fe = fg.add_entry(order="append")
        fe.id(uuid.uuid5(ID_NAMESPACE, f"{event.kind}/{event.id}").urn)
        fe.title(" / ".join(_title(event, lg) for lg in langs))
        fe.link(href=_link(event, langs[0]), rel="alternate", type="text/html")
        fe.published(_utc(event.published_at))
        fe.updated(_utc(event.published_at))
        fe.content("\n\n".join(_body(event, lg) for lg in langs), type="text")
        fe.category(term=event.code, label=" / ".join(_in(lg, _state(event)) for lg in langs))
    return fg.atom_str(pretty=True)
