"""Whole records checked at once, for input that does not come through a form (the progress
spreadsheet): every problem, keyed by the staff form's field name, from the same rules the forms use."""
from __future__ import annotations

from datetime import date

from .. import limits
from ..i18n import N_
from ..services.sites import STAGES
from ..services.status import STATUSES
from .dates import day_problem
from .progress import DERIVED, NO_TARGET, figure_problem, parse_number

NO_STATUS = N_("Please choose one of the statuses.")
NO_NOTE = N_("Please say what changed, in Chinese.")
NO_NAME = N_("Please give the name in Chinese.")
UNKNOWN_PLACE = N_("Unknown place.")
UNKNOWN_STAGE = N_("Unknown stage.")


def _put(errors: dict[str, str], field: str, problem: str | None) -> None:
    if problem:
        errors[field] = problem


def _required(text: str | None, missing: str, limit: limits.Limit) -> str | None:
    return missing if not (text or "").strip() else limit.problem(text)


def progress_values(item, progress: dict, derived: set[str], errors: dict[str, str]) -> dict[str, float]:
    """The reported values as numbers; a problem with any of them goes into ``errors``."""
    targets = {t.key: t for t in item.targets}
    clean: dict[str, float] = {}
    for key, raw in (progress or {}).items():
        if raw is None or raw == "":
            continue
        target, value = targets.get(key), parse_number(raw)
        problem = (NO_TARGET if target is None else DERIVED if key in derived else figure_problem(target, raw))
        if problem:
            errors[f"progress_{key}"] = problem
        else:
            clean[key] = value
    return clean


def update_problems(item, status: str, note_zh: str | None, note_en: str | None, happened_on, progress: dict,
                    derived: set[str], today: date) -> tuple[dict[str, str], dict[str, float]]:
    errors: dict[str, str] = {}
    _put(errors, "status", None if status in STATUSES else NO_STATUS)
    _put(errors, "note_zh", _required(note_zh, NO_NOTE, limits.NOTE))
    _put(errors, "note_en", limits.NOTE.problem(note_en))
    _put(errors, "happened_on", day_problem(happened_on, today))
    return errors, progress_values(item, progress, derived, errors)


def site_problems(item, place_slugs: set[str], target_key: str | None, name_zh: str | None, name_en: str | None,
                  place_slug: str | None, building: str | None, stage: str, happened_on, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    _put(errors, "name_zh", _required(name_zh, NO_NAME, limits.SITE_NAME))
    _put(errors, "name_en", limits.SITE_NAME.problem(name_en))
    _put(errors, "building", limits.BUILDING.problem(building))
    _put(errors, "target_key", NO_TARGET if target_key and target_key not in {t.key for t in item.targets} else None)
    _put(errors, "place_slug", UNKNOWN_PLACE if place_slug and place_slug not in place_slugs else None)
    _put(errors, "stage", None if stage in STAGES else UNKNOWN_STAGE)
    _put(errors, "happened_on", day_problem(happened_on, today))
    return errors


def stage_problems(stage: str, note_zh: str | None, note_en: str | None, happened_on, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    _put(errors, "stage", None if stage in STAGES else UNKNOWN_STAGE)
    _put(errors, "note_zh", limits.NOTE.problem(note_zh))
    _put(errors, "note_en", limits.NOTE.problem(note_en))
    _put(errors, "happened_on", day_problem(happened_on, today))
    return errors
