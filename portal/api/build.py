"""Service results turned into the API's shapes (portal/api/schemas.py). URLs are added here, in the
API layer, because services do not know how the outside world reaches a page."""
from __future__ import annotations

from flask import url_for

from ..i18n import LANGS, both
from ..models import ProjectSite, StatusUpdate
from ..services import sites as site_service
from ..services.content import content
from ..services.items import ItemFacts
from ..services.outcomes import LABELS
from ..services.status import Status
from . import schemas as s


def text(value) -> s.Bilingual:
    """A content Text (zh, en) as the API writes it."""
    return s.Bilingual(zh=value.zh, en=value.en)


def named(slug: str, name) -> s.Named:
    return s.Named(slug=slug, zh=name.zh, en=name.en)


def urls(endpoint: str, **values) -> s.Bilingual:
    return s.Bilingual(**{lang: url_for(endpoint, lang=lang, **values) for lang in LANGS})


def status(found: Status) -> s.Status:
    return s.Status(code=found.code, label=s.Bilingual(**both(found.message)), updated_at=found.updated_at,
                    deadline_passed=found.deadline_passed, overdue=found.overdue)


def update(entry: StatusUpdate) -> s.Update:
    return s.Update(id=entry.id, status=entry.status, note=s.Bilingual(zh=entry.note_zh, en=entry.note_en or ""),
                    happened_on=entry.happened_on, published_at=entry.created_at,
                    progress=[s.ReportedValue(target=p.target_key, value=p.value) for p in entry.progress])


def site(found: ProjectSite) -> s.Site:
    place = content(found.plan).place(found.place_slug) if found.place_slug else None
    return s.Site(
        id=found.id, name=s.Bilingual(zh=found.name_zh, en=found.name_en or ""), target=found.target_key,
        place=named(place.slug, place.name) if place else None, building=found.building,
        stage=s.Stage(code=found.stage, label=s.Bilingual(**site_service.stage_label(found.stage))),
        history=[s.StageEntry(stage=e.stage, note=s.Bilingual(zh=e.note_zh or "", en=e.note_en or ""),
                              happened_on=e.happened_on, published_at=e.created_at)
                 for e in site_service.site_history(found)],
        url=urls("public.site", plan=found.plan, code=found.item_code, site_id=found.id),
    )


def targets(facts: ItemFacts) -> list[s.Target]:
    out = []
    for t in facts.item.targets:
        value, source = facts.progress.get(t.key, (None, None))
        out.append(s.Target(key=t.key, metric=text(t.metric), value=t.value, unit=text(t.unit),
                            comparator=t.comparator, source_phrase=t.phrase, progress=value, progress_source=source))
    return out


def item(facts: ItemFacts) -> s.Item:
    found = facts.item
    return s.Item(
        code=found.code,
        section=s.Section(number=found.section.number, title=text(found.section.title)),
        subsection=s.Subsection(code=found.subsection.code, title=text(found.subsection.title)),
        title=text(found.title), summary=text(found.summary), official_text=found.official_text,
        departments=[named(o.slug, o.name) for o in found.offices], deadline=found.deadline,
        status=status(facts.status), history=[update(e) for e in facts.history],
        sites=[site(x) for x in facts.sites], targets=targets(facts),
        locations=[s.Location(slug=p.slug, kind=p.kind, zh=p.name.zh, en=p.name.en) for p in found.places],
        url=urls("public.item", plan=found.plan, code=found.code),
        outcome=outcome(facts.outcome),
    )


def outcome(found) -> s.Outcome | None:
    if found is None:
        return None
    return s.Outcome(
        result=str(found.result), label=s.Bilingual(**both(LABELS[found.result])),
        figures=[s.Achieved(target=k, value=v) for k, v in (found.figures or {}).items()],
        note=s.Bilingual(zh=found.note_zh, en=found.note_en or ""), continued_by=found.continued_by,
        recorded_at=found.recorded_at, updated_at=found.updated_at)
