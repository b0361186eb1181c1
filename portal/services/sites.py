"""Project sites: the concrete projects a work point's target is made of (one building's lift, one
estate's charging shed), each with a stage and a stage history.

How a target's progress is counted from sites
---------------------------------------------
A site is filed under one target of its work point (``ProjectSite.target_key``). Once a target has
at least one site filed under it, its progress is no longer typed in by staff: it is the number of
those sites that have reached the target's *counting stage*, by default ``completed``.

Some targets are steps of one process that every site goes through. For work point 2.3 a lift is
first put to the residents (consultation), then built (construction), then finished (completed),
and the notice sets a number for each step: 35 consultations, 25 starts, 25 completions. Such
targets form a *chain*: each names the stage it counts from (``counts_from`` in the work point's
file, content/plans/<plan>/items/<code>.yaml), and a site filed under any target of the chain counts
for every target of it, from the stage that target names. So one lift at ``construction`` counts as
one consultation and one start, but not yet as a completion. ``tests/test_sites.py`` pins the rules.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import N_, both
from ..models import ProjectSite, SiteStageUpdate
from ..states import SiteStage
from . import audit, follow
from .clock import today
from .content import content, plan_slug
from .errors import InvalidInput
from .events import item_changed
from .locks import hold_write_lock
from .versions import check, entries_since

STAGES = {
    SiteStage.CONSULTATION: N_("Consulting residents"),
    SiteStage.CONSTRUCTION: N_("Under construction"),
    SiteStage.COMPLETED: N_("Completed"),
}
STAGE_ORDER = {code: n for n, code in enumerate(STAGES)}

DEFAULT_COUNTING_STAGE = SiteStage.COMPLETED


def stage_label(code: str) -> dict[str, str]:
    return both(STAGES.get(code, code))


def chain_of(item) -> dict[str, str]:
    """Target key -> the stage from which a site counts for it, for the item's chained targets."""
    return {t.key: t.counts_from for t in item.targets if t.counts_from}


def counting_stage(item, target_key: str) -> str:
    return chain_of(item).get(target_key, DEFAULT_COUNTING_STAGE)


def notice_date() -> date:
    """The issue date of the notice (plan.yaml), before which nothing of it can have happened."""
    return date.fromisoformat(content().plan.date)


def derived_progress(item, sites: list[ProjectSite]) -> dict[str, int]:
    """Progress of each target that has sites, counted from them; targets without sites are absent."""
    return derived_from_counts(item, Counter((s.target_key, s.stage) for s in sites))


def derived_from_counts(item, counts: Mapping[tuple[str | None, str], int]) -> dict[str, int]:
    """The same count from (target key, stage) -> number of sites, so a page need not load every site."""
    out: dict[str, int] = {}
    chain = chain_of(item)
    for t in item.targets:
        # A target in a chain counts the sites filed under any target of that chain.
        relevant = {k: n for k, n in counts.items() if (k[0] in chain if t.key in chain else k[0] == t.key)}
        if not relevant:
            continue
        needed = STAGE_ORDER[counting_stage(item, t.key)]
        out[t.key] = sum(n for (_key, stage), n in relevant.items() if STAGE_ORDER.get(stage, -1) >= needed)
    return out


def stage_counts(item_code: str, plan: str | None = None) -> dict[tuple[str | None, str], int]:
    """(target key, stage) -> number of the item's sites, in one grouped query."""
    stmt = (select(ProjectSite.target_key, ProjectSite.stage, func.count(ProjectSite.id))
            .where(ProjectSite.plan == (plan or plan_slug()), ProjectSite.item_code == item_code).group_by(ProjectSite.target_key, ProjectSite.stage))
    return {(key, stage): n for key, stage, n in db.session.execute(stmt)}


def sites_stmt(item_code: str, plan: str | None = None):
    return (select(ProjectSite).options(selectinload(ProjectSite.stages))
            .where(ProjectSite.plan == (plan or plan_slug()), ProjectSite.item_code == item_code)
            .order_by(ProjectSite.id))


def sites_of(item_code: str, plan: str | None = None) -> list[ProjectSite]:
    return list(db.session.scalars(sites_stmt(item_code, plan)))


def all_sites_by_item(plan: str | None = None) -> dict[str, list[ProjectSite]]:
    """Every site of one plan (by default the plan in view) with its stage history, grouped by work point, in two queries."""
    stmt = (select(ProjectSite).options(selectinload(ProjectSite.stages)).where(ProjectSite.plan == (plan or plan_slug()))
            .order_by(ProjectSite.id))
    out: dict[str, list[ProjectSite]] = defaultdict(list)
    for site in db.session.scalars(stmt):
        out[site.item_code].append(site)
    return out


def site_history(site: ProjectSite) -> list[SiteStageUpdate]:
    """Newest first, like the work point's own timeline."""
    return sorted(site.stages, key=lambda s: (s.happened_on, s.created_at, s.id), reverse=True)


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _snapshot(site: ProjectSite) -> dict:
    return {"plan": site.plan, "item": site.item_code, "target": site.target_key, "name_zh": site.name_zh, "name_en": site.name_en,
            "place": site.place_slug, "building": site.building, "stage": site.stage}


def sites_version(item_code: str) -> str:
    """What the "add a project" form is built from: the newest project of the work point ("0": none)."""
    newest = db.session.scalar(select(func.max(ProjectSite.id)).where(ProjectSite.plan == plan_slug(),
                                                                      ProjectSite.item_code == item_code))
    return str(newest or 0)


def stage_version(site: ProjectSite) -> str:
    """What a site's stage form is built from: its newest stage entry."""
    return str(max((s.id for s in site.stages), default=0))


def add_site(item_code: str, target_key: str | None, name_zh: str, name_en: str | None, place_slug: str | None,
             building: str | None, stage: str, actor, happened_on: date | None = None,
             note_zh: str | None = None, note_en: str | None = None, seen: str | None = None) -> ProjectSite:
    """A project from the web form: one added by someone else since `seen` may be this very one (two
    editors told of one lift), so it is shown first (Stale); this same form sent twice adds it once."""
    hold_write_lock(f"sites:{plan_slug()}/{item_code}")
    newer = entries_since(seen, ProjectSite, ProjectSite.plan == plan_slug(), ProjectSite.item_code == item_code)
    if newer is not None:
        sent = (actor.id if actor else None, _clean(target_key) or None, _clean(name_zh), _clean(name_en) or None,
                _clean(place_slug) or None, _clean(building) or None)
        twin = check(newer, lambda s: (s.staff_id, s.target_key, s.name_zh, s.name_en, s.place_slug, s.building) == sent,
                     lambda s: str(s.id))
        if twin is not None:
            return twin
    site = new_site(item_code, target_key, name_zh, name_en, place_slug, building, stage, actor,
                    happened_on=happened_on, note_zh=note_zh, note_en=note_en)
    db.session.commit()
    _announce(item_code, site.plan)
    return site


def new_site(item_code: str, target_key: str | None, name_zh: str, name_en: str | None, place_slug: str | None,
             building: str | None, stage: str, actor, happened_on: date | None = None,
             note_zh: str | None = None, note_en: str | None = None) -> ProjectSite:
    """Adds a site with its audit record to the open transaction; the caller commits. The input was
    checked by the form or the spreadsheet check (portal/rules)."""
    item = content().item(item_code)
    if item is None:
        raise InvalidInput({"item": N_("Unknown work point.")})
    happened_on = happened_on or today()
    name_zh, name_en, building = _clean(name_zh), _clean(name_en), _clean(building)
    target_key, place_slug = _clean(target_key) or None, _clean(place_slug) or None
    site = ProjectSite(plan=item.plan, item_code=item_code, target_key=target_key, name_zh=name_zh, name_en=name_en or None,
                       place_slug=place_slug, building=building or None, stage=stage,
                       staff_id=actor.id if actor else None)
    site.stages.append(SiteStageUpdate(stage=stage, note_zh=_clean(note_zh) or None, note_en=_clean(note_en) or None,
                                       happened_on=happened_on, staff_id=actor.id if actor else None))
    db.session.add(site)
    db.session.flush()
    audit.record("site.create", "project_site", site.id, None, _snapshot(site), actor=actor)
    follow.on_stage(site.stages[0])
    return site


def set_site_stage(site: ProjectSite, stage: str, note_zh: str | None, happened_on: date, actor,
                   note_en: str | None = None, seen: str | None = None) -> SiteStageUpdate:
    """A stage from the web form, checked against `seen` like a work point's update (versions.py)."""
    hold_write_lock(f"site:{site.id}")
    newer = entries_since(seen, SiteStageUpdate, SiteStageUpdate.site_id == site.id)
    if newer is not None:
        sent = (actor.id if actor else None, stage, _clean(note_zh) or None, _clean(note_en) or None, happened_on)
        twin = check(newer, lambda s: (s.staff_id, s.stage, s.note_zh, s.note_en, s.happened_on) == sent,
                     lambda s: str(s.id))
        if twin is not None:
            return twin
    entry = add_stage(site, stage, note_zh, happened_on, actor, note_en=note_en)
    db.session.commit()
    _announce(site.item_code, site.plan)
    return entry


def add_stage(site: ProjectSite, stage: str, note_zh: str | None, happened_on: date, actor,
              note_en: str | None = None) -> SiteStageUpdate:
    """A new stage entry in the open transaction (the caller commits); the site's stage is that of its
    newest entry, so a back-dated one is history."""
    note_zh, note_en = _clean(note_zh), _clean(note_en)
    before = _snapshot(site)
    entry = SiteStageUpdate(stage=stage, note_zh=note_zh or None, note_en=note_en or None, happened_on=happened_on,
                            staff_id=actor.id if actor else None)
    site.stages.append(entry)
    db.session.flush()
    site.stage = site_history(site)[0].stage
    audit.record("site.stage", "project_site", site.id, before,
                 {**_snapshot(site), "entry": {"stage": stage, "happened_on": happened_on.isoformat(), "note_zh": note_zh}},
                 actor=actor)
    follow.on_stage(entry)
    return entry


def _announce(item_code: str, plan: str) -> None:
    from flask import current_app

    item_changed.send(current_app._get_current_object(), code=item_code, plan=plan)
