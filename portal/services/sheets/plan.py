"""What an uploaded sheet would change, and what stops it from being published."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ...i18n import N_
from .columns import STATE_KEYS, Column, Sheet
from .problems import Problem
from .rows import cell_text

CONFLICT = N_("Someone published a newer update after this sheet was downloaded (the newest entry is now dated "
              "%(date)s). Download a new sheet and fill in this row again; the newer update was not overwritten.")
GONE = N_("This row was downloaded with an entry of this work point or project that is no longer its newest (it has "
           "no entry now). Download a new sheet and fill in this row again.")
BAD_DAY = N_("Please give the date as 2023-09-01, 2023/9/1, 2023.9.1 or 2023年9月1日, with its year, month and day; a "
             "date cell of Excel or WPS is read as the date it shows if that has a year, month and day.")
LOCKED = N_("This column is locked: the sheet says “%(now)s” where the portal has “%(was)s”. "
            "Please leave it as downloaded, or download a new sheet.")
DAY_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")


@dataclass
class ValueChange:
    target: object  # content Target
    old: float | None
    new: float

    @property
    def above_target(self) -> bool:
        return self.new > self.target.value

    @property
    def below_last(self) -> bool:
        """Progress going back: a correction, or a slip (0.2 typed for 2); marked, so that it is not published unseen."""
        return self.old is not None and self.new < self.old


@dataclass
class ItemChange:
    code: str
    title: object  # content Text
    row: int
    status_before: str | None
    status_after: str
    values: list[ValueChange]
    note_zh: str
    note_en: str
    happened_on: date
    newest_on: date | None = None  # the date of the newest entry published: one dated before it is history

    @property
    def back_dated(self) -> bool:
        return self.newest_on is not None and self.happened_on < self.newest_on


@dataclass
class SiteChange:
    kind: str  # "add" | "stage"
    row: int
    code: str
    site_id: int | None
    name_zh: str
    stage_before: str | None
    stage_after: str
    note_zh: str
    note_en: str
    happened_on: date
    fields: dict = field(default_factory=dict)  # a new site's target, place, building, English name
    # The listed site itself: held here so the session's identity map (weak references) keeps it loaded.
    site: object = None
    newest_on: date | None = None  # as in ItemChange

    @property
    def back_dated(self) -> bool:
        return self.newest_on is not None and self.happened_on < self.newest_on


@dataclass
class Plan:
    items: list[ItemChange] = field(default_factory=list)
    sites: list[SiteChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    # Personal data in the texts it would publish (sheets/personal_data.py): published only if staff say so.
    personal_data: list[Problem] = field(default_factory=list)
    # The same findings as personal_data.findings gives them, kept for the audit (audit_after): scanned once.
    personal_data_found: list[tuple] = field(default_factory=list, repr=False)
    unchanged: int = 0
    published: bool = False
    layout: dict[str, dict] = field(default_factory=dict)  # where each table was found (Parsed.layout)

    @property
    def changes(self) -> int:
        return len(self.items) + len(self.sites)

    @property
    def publishable(self) -> bool:
        return not self.problems and not self.conflicts and self.changes > 0

    def add(self, message: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
            **params) -> None:
        self.problems.append(self.problem(message, sheet, row, column, **params))

    def problem(self, message: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
                **params) -> Problem:
        """A problem placed where the clerk finds it in the file uploaded, not in the template."""
        where = self.layout.get(sheet) or {}
        letters = where.get("letters")
        letter = None if column is None or letters is None else letters.get(column, "")
        return Problem(message, sheet, row, column, params, where.get("tab"), letter)


def parse_day(text: str | None) -> date | None:
    """2023-09-01, 2023/9/1, 2023.9.1 and 2023年9月1日 (what spreadsheet programs and people write)."""
    m = DAY_RE.match((text or "").strip())
    if not m:
        return None
    try:
        return date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def same(col: Column, text: str, expected) -> bool:
    want = cell_text(expected)
    if col.kind == "number" and text and want:
        return _number(text) == _number(want)
    if col.kind == "day" and text and want:
        return parse_day(text) == parse_day(want)
    return text.strip() == want


def check_locked(plan: Plan, sheet: Sheet, row: dict, expected: dict, unversioned: frozenset[str] = frozenset()) -> bool:
    """Adds a problem for each locked cell edited; returns whether the row was downloaded before the newest
    update (its version differs), in which case the columns describing that state are not compared.
    `unversioned`: columns showing a state the row's version does not follow (the figure of a target counted
    from projects changes when a project moves, with no new entry of the work point): a colleague's work, not
    an edit, so never compared."""
    cells = row["cells"]
    now = cell_text(expected.get("version"))
    stale = not same(sheet.column("version"), cells["version"], now) if "version" in cells else now != ""
    for col in sheet.columns:
        if not col.locked or col.key not in cells or (stale and col.key in STATE_KEYS) or col.key in unversioned:
            continue
        if not same(col, cells[col.key], expected.get(col.key)):
            plan.add(LOCKED, sheet.key, row["row"], col.key, was=cell_text(expected.get(col.key)),
                     now=cells[col.key])
    return stale


def conflict(plan: Plan, sheet: Sheet, row: int, latest: date | None) -> None:
    if latest is None:
        plan.conflicts.append(plan.problem(GONE, sheet.key, row))
    else:
        plan.conflicts.append(plan.problem(CONFLICT, sheet.key, row, date=latest.isoformat()))


def day_errors(errors: dict[str, str], text: str | None) -> dict[str, str]:
    """The rules' date problem for a date that could not be read says the one format of the item form; the sheet
    reads more (parse_day), and says which."""
    if text and parse_day(text) is None and "happened_on" in errors:
        errors["happened_on"] = BAD_DAY
    return errors
