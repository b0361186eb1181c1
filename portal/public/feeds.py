"""Atom feeds of published updates. /feed.atom carries Chinese and English side by side; /zh/feed.atom
and /en/feed.atom one language; /<lang>/items/<code>/feed.atom (and per site, place, office, action
area) the updates of one thing, built from the same service as the follow mails (services/updates.py)."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta, timezone

from feedgen.feed import FeedGenerator
from flask import url_for

from ..page_address import absolute_url

from ..i18n import N_
from ..punctuation import marks
from ..services import dashboard, updates
from ..services.content import content
from ..services.sites import notice_date
from ..services.status import status_of
from ..templating import month_label
from ..services.updates import in_lang as _in

FEED_SIZE = 50
FEED_TITLE = N_("Zhangjiang Work Points: latest updates")
FEED_SUBTITLE = N_("Status and progress updates published for the work points of notice %(number)s.")
SCOPED_TITLE = N_("%(name)s: updates")
SCOPED_SUBTITLE = N_("Status updates, project stages and official replies published on the Zhangjiang Work Points site.")
SITE_NAME = N_("Zhangjiang Work Points")
NO_REPORT_SENTENCE = N_("No progress report published yet.")
DEADLINE_PASSED_SENTENCE = N_("The deadline (%(month)s) has passed.")
# Entry ids must not change when the site moves host, so they are derived from the database id (the namespace
# keeps the site's first name: a new one would make every reader see every entry again).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "zhangjiang-work-points-2023")
SHANGHAI = timezone(timedelta(hours=8))
# What XML 1.0 has no character for: one of them anywhere made the feed writer refuse the whole feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The HTML page each kind of scoped feed belongs to, and its URL arguments.
PAGES = {
    "item": ("public.item", lambda key: {"code": key}),
    "place": ("public.place", lambda key: {"slug": key}),
    "office": ("public.office", lambda key: {"slug": key}),
    "area": ("public.area", lambda key: {"number": int(key)}),
}


def xml_text(value: str) -> str:
    """Every text the feed carries, as XML can hold it (a note, a project name, a reply)."""
    return NOT_XML.sub("", value)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc)


def _entries(fg: FeedGenerator, events: list, langs: tuple[str, ...]) -> None:
    for event in events:
        fe = fg.add_entry(order="append")
        fe.id(uuid.uuid5(ID_NAMESPACE, f"{event.kind}/{event.id}").urn)
        fe.title(xml_text(" / ".join(updates.title(event, lg) for lg in langs)))
        fe.link(href=updates.link(event, langs[0]), rel="alternate", type="text/html")
        fe.published(_utc(event.published_at))
        fe.updated(_utc(event.published_at))
        fe.content(xml_text("\n\n".join(updates.body(event, lg) for lg in langs)), type="text")
        fe.category(term=event.code, label=" / ".join(_in(lg, updates.state_message(event)) for lg in langs))


def _feed(self_url: str, page_url: str, titles: list[str], subtitles: list[str], lang: str | None,
          events: list) -> bytes:
    langs = (lang,) if lang else ("zh", "en")
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(xml_text(" / ".join(titles)))
    fg.subtitle(xml_text(" / ".join(subtitles)))
    fg.author({"name": " / ".join(_in(lg, SITE_NAME) for lg in langs)})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=page_url, rel="alternate", type="text/html")
    if lang:
        fg.language("zh-Hans" if lang == "zh" else "en")
    # An empty feed is dated by the notice itself (plan.yaml; Shanghai time).
    fg.updated(_utc(events[0].published_at) if events else datetime.combine(notice_date(), time(), SHANGHAI))
    _entries(fg, events, langs)
    return fg.atom_str(pretty=True)


def atom_feed(lang: str | None) -> bytes:
    langs = (lang,) if lang else ("zh", "en")
    number = content().plan.number
    return _feed(absolute_url(url_for("public.feed", lang=lang)),
                 absolute_url(url_for("public.progress", lang=lang or "zh")),
                 [_in(lg, FEED_TITLE) for lg in langs], [_in(lg, FEED_SUBTITLE, number=number) for lg in langs], lang,
                 dashboard.recent_events(FEED_SIZE))


def page_url(found: updates.Scope, lang: str) -> str:
    if found.kind == "site":
        from ..extensions import db
        from ..models import ProjectSite

        site = db.session.get(ProjectSite, int(found.key))
        return absolute_url(url_for("public.site", lang=lang, plan=site.plan, code=site.item_code, site_id=site.id))
    endpoint, args = PAGES[found.kind]
    return absolute_url(url_for(endpoint, lang=lang, **args(found.key)))


def scoped_feed(found: updates.Scope, lang: str, self_url: str) -> bytes:
    return _feed(self_url, page_url(found, lang), [_in(lang, SCOPED_TITLE, name=found.title(lang))],
                 [marks(lang)["space"].join([*_item_state(found, lang), _in(lang, SCOPED_SUBTITLE)])], lang, updates.events(found, FEED_SIZE))


def _item_state(found: updates.Scope, lang: str) -> list[str]:
    """What a work point's page says before any report (and once its deadline is past), so that a feed
    with no entry does not look like a feed of a point with nothing to report."""
    if found.kind != "item":
        return []
    item = content().item(found.key)
    state = status_of(item)
    said = [] if state.reported else [_in(lang, NO_REPORT_SENTENCE)]
    if state.overdue:
        said.append(_in(lang, DEADLINE_PASSED_SENTENCE, month=month_label(item.deadline, lang)))
    return said
