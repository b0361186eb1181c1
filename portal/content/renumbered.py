"""Other plans' `continues:` lines that name a renumbered work point by its old code: the code it has now.

A corrected notice that inserts or strikes out a work point renumbers those after it (importer.renumbered).
A later plan's item file saying `continues: <this plan>/<old code>` then names whichever point took the old
code. That file is the later plan's, not the import's to edit: the import names it for staff to correct
(services.plans.continued_elsewhere) and records it here, in the renumbered plan's own folder, so that the
pages link it to the point it meant until then (services.plan_links.continued_ref). Only lines that existed
at the renumbering are recorded: a line written or corrected afterwards means the code it says.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from .. import yaml_text
from .store import PLANS_DIR, discover_plans

RECORD_FILE = "renumbered.yaml"
_HEADER = ("# Written by `flask plans import`: other plans' work points whose `continues:` line names a work point\n"
           "# of this plan that a corrected notice renumbered, by its old code, and the code that point has now\n"
           "# ('' when it was struck out: the site then links it to nothing).\n"
           "# The site links them to the new code. Correct the line to the new code; the next import drops it.\n")

# {"<plan>/<code> of the continuing work point": {"<old code it names>": "<code now>"}}; the code now is GONE
# when the point it named was struck out: another point may have taken its code, and is not the one meant.
Record = dict[str, dict[str, str]]
GONE = ""


def read(folder: Path) -> Record:
    try:
        data = yaml_text.load((folder / RECORD_FILE).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(ref): {str(old): str(now) for old, now in codes.items()}
            for ref, codes in data.items() if isinstance(codes, dict)}


def code_now(record: Record, continuing: str, code: str) -> str | None:
    """The code the point `continuing` ("<plan>/<code>" of the later plan's work point) names by `code` has now,
    when a renumbering moved it; the pages (services.plan_links) and `flask plans check` both resolve by this."""
    return record.get(continuing, {}).get(code)


def text(record: Record) -> str:
    return _HEADER + yaml.safe_dump(record, allow_unicode=True, sort_keys=True, width=1000)


def _continues(path: Path) -> str:
    try:
        data = yaml_text.load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ""
    return str(data.get("continues") or "") if isinstance(data, dict) else ""


def updated(root: Path, slug: str, moves: dict[str, str], struck: Iterable[str] = ()) -> Record:
    """The record once `moves` (old code -> new code) are made and the points `struck` out are gone: a line
    already recorded follows its point on (2.3 → 2.4, then 2.4 → 2.5), a line naming a moved code is added, one
    naming a struck-out point is recorded as GONE, a line corrected since is dropped."""
    struck = set(struck)
    before = read(root / PLANS_DIR / slug)
    record: Record = {}
    for plan in discover_plans(root):
        if plan.slug == slug:
            continue
        for path in sorted((plan.folder / "items").glob("*.yaml")):
            named_plan, _, code = _continues(path).partition("/")
            if named_plan != slug:
                continue
            ref = f"{plan.slug}/{path.stem}"
            now = before.get(ref, {}).get(code, code)  # the point the line means, by its code before these moves
            now = GONE if now in struck else moves.get(now, now)
            if now != code:
                record[ref] = {code: now}
    return record
