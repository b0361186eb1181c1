"""Checking the project rows of an uploaded sheet: stage changes of listed projects and new projects."""
from __future__ import annotations

from ...i18n import N_
from ..clock import today
from ...rules.records import site_problems, stage_problems
from ..sites import site_history
from .codes import work_point
from .columns import SITES
from .plan import Plan, SiteChange, check_locked, conflict, day_errors, parse_day
from .rows import site_row
from .state import ItemState, place_choices, sites_by_id, stage_choices, stage_label

# Where each of the site checks' fields is in the sheet.
FIELD_COLUMNS = {"stage": "new_stage", "note_zh": "note_zh", "note_en": "note_en", "happened_on": "happened_on",
                 "name_zh": "name_zh", "name_en": "name_en", "building": "building", "target_key": "target",
                 "place_slug": "place"}
NO_STAGE = N_("Please choose the new stage.")
ADDED_ALREADY = N_("This work point already has a project with this name and building (project ID %(id)s, at stage "
                   "“%(stage)s”), added with another stage, note or date than this row gives, so this row was not "
                   "added. To report its stage, fill in that project's own row (download a new sheet if it is not "
                   "listed).")


def check_sites(plan: Plan, rows: list[dict], states: dict[str, ItemState]) -> None:
    by_id, stages, places = sites_by_id(states), stage_choices(), place_choices()
    seen: set[tuple] = set()
    listed: dict[str, int] = {}  # project ID → its first row
    for row in rows:
        cells = row["cells"]
        raw = cells.get("new_stage", "")
        stage = stages.get(raw.lower(), raw)
        happened = parse_day(cells["happened_on"]) if cells.get("happened_on") else today()
        if cells.get("site_id"):
            first = listed.setdefault(cells["site_id"], row["row"])
            if first != row["row"]:  # a copied row: neither stage may silently win
                plan.add(N_("This project is already on row %(first)s; fill it in on one row only."), "sites",
                         row["row"], "site_id", first=first)
                continue
            _listed(plan, row, by_id, stage, happened)
        else:
            _new(plan, row, states, places, stage, happened, seen)


def _report(plan: Plan, row: int, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        plan.add(message, "sites", row, FIELD_COLUMNS.get(name))


def _listed(plan: Plan, row: dict, by_id: dict, stage: str, happened) -> None:
    cells = row["cells"]
    try:
        site = by_id.get(int(float(cells["site_id"])))
    except ValueError:
        site = None
    if site is None:
        plan.add(N_("There is no project with the ID “%(id)s”."), "sites", row["row"], "site_id", id=cells["site_id"])
        return
    stale = check_locked(plan, SITES, row, site_row(site))
    note_zh, note_en = cells.get("note_zh", "").strip(), cells.get("note_en", "").strip()
    if not stage:
        if note_zh or note_en or cells.get("happened_on"):
            plan.add(NO_STAGE, "sites", row["row"], "new_stage")
        else:
            plan.unchanged += 1
        return
    errors = day_errors(stage_problems(stage, note_zh, note_en, happened, today()), cells.get("happened_on"))
    _report(plan, row["row"], errors)
    if errors:
        return
    newest = site_history(site)[0] if site.stages else None
    if any((e.stage, e.note_zh or "", e.note_en or "", e.happened_on) == (stage, note_zh, note_en, happened)
           for e in site.stages):
        plan.unchanged += 1  # published already, perhaps back-dated below the newest entry (see check.py)
        return
    if stale:
        conflict(plan, SITES, row["row"], newest.happened_on if newest else None)
        return
    plan.sites.append(SiteChange("stage", row["row"], site.item_code, site.id, site.name_zh, site.stage, stage,
                                 note_zh, note_en, happened, site=site,
                                 newest_on=newest.happened_on if newest else None))


def _new(plan: Plan, row: dict, states, places: dict, stage: str, happened, seen: set) -> None:
    cells = row["cells"]
    state = work_point(plan, "sites", row, states)
    if state is None:
        return
    name_zh, building = cells.get("name_zh", "").strip(), cells.get("building", "").strip()
    raw_place = cells.get("place", "")
    fields = {"target": cells.get("target", "") or None, "place": places.get(raw_place.lower(), raw_place) or None,
              "building": building or None, "name_en": cells.get("name_en", "").strip() or None}
    if not stage:
        plan.add(NO_STAGE, "sites", row["row"], "new_stage")
        return
    errors = site_problems(state.item, set(places.values()), fields["target"], name_zh, fields["name_en"],
                           fields["place"], building, stage, happened, today())
    errors.update({k: v for k, v in stage_problems(stage, cells.get("note_zh"), cells.get("note_en"), happened,
                                                   today()).items() if k.startswith("note")})
    errors = day_errors(errors, cells.get("happened_on"))
    _report(plan, row["row"], errors)
    key = (state.item.code, name_zh, building)
    if errors:
        return
    if key in seen:
        plan.add(N_("This new project is already on an earlier row of the sheet."), "sites", row["row"], "name_zh")
        return
    seen.add(key)
    site = next((s for s in state.sites if (s.name_zh, s.building or "") == (name_zh, building)), None)
    if site is not None:
        if _added_as(site, stage, cells, happened):
            plan.unchanged += 1  # added already, by this very sheet uploaded before
        else:  # added by a colleague (another office's sheet, the form): this row's stage and note would be lost
            plan.add(ADDED_ALREADY, "sites", row["row"], "name_zh", id=site.id, stage=stage_label(site.stage))
        return
    plan.sites.append(SiteChange("add", row["row"], state.item.code, None, name_zh, None, stage,
                                 cells.get("note_zh", "").strip(), cells.get("note_en", "").strip(), happened, fields))


def _added_as(site, stage: str, cells: dict, happened) -> bool:
    """Whether the site was added with this row's stage, notes and date (a row without a date means the day of
    its upload, so any)."""
    first = min(site.stages, key=lambda e: (e.created_at, e.id)) if site.stages else None
    return first is not None and (first.stage, first.note_zh or "", first.note_en or "") == (
        stage, cells.get("note_zh", "").strip(), cells.get("note_en", "").strip()) and (
        not cells.get("happened_on") or first.happened_on == happened)
