"""A row's work point, read from its code without guessing.

Excel (and WPS) read a CSV cell such as 2.10 as the number 2.1 and save it back as "2.1": a sheet opened and
saved there names another work point where a plan has both 2.1 and 2.10, or one that does not exist. Where
a code could be such a number, the row is read only if its other columns (the work point's title, the
project's target) say which work point it is; otherwise it is refused with both codes named.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ...i18n import N_
from .plan import Plan
from .state import ItemState

# What a spreadsheet program takes for a decimal number; 2.1.1 stays text.
NUMBER = re.compile(r"\d+(?:\.\d+)?")
NO_CODE = N_("There is no work point with the code “%(code)s”.")
TITLE_OF_OTHER = N_("The code says “%(code)s”, but the title in this row is that of work point %(other)s "
                    "(“%(title)s”): Excel turns the code %(other)s into %(code)s when it opens a CSV file and saves "
                    "it. This row was not read, so that nothing is written onto the wrong work point. Please fill "
                    "in the .xlsx sheet, whose codes stay as they are.")
NOT_CODE_BUT = N_("There is no work point “%(code)s”, but there is %(other)s, which Excel turns into %(code)s when it "
                  "opens a CSV file and saves it. This row was not read: it may be meant for %(other)s, or the code "
                  "may be mistyped. Please fill in the .xlsx sheet, whose codes stay as they are.")
CANNOT_TELL = N_("The code “%(code)s” may be work point %(code)s or work point %(other)s (Excel turns %(other)s into "
                 "%(code)s when it opens a CSV file and saves it), and nothing else in this row says which. This row "
                 "was not read. Please fill in the .xlsx sheet, whose codes stay as they are.")


def saved_as(code: str, codes) -> list[str]:
    """The other codes a spreadsheet program saves as `code`: 2.10 and 2.100 as 2.1."""
    if not NUMBER.fullmatch(code):
        return []
    return sorted(c for c in codes if c != code and NUMBER.fullmatch(c) and Decimal(c) == Decimal(code))


def _targets(state: ItemState) -> set[str]:
    return {t.key for t in state.item.targets}


def work_point(plan: Plan, sheet: str, row: dict, states: dict[str, ItemState]) -> ItemState | None:
    """The state of the work point the row is for, or None with a problem added."""
    cells = row["cells"]
    code = cells.get("code", "")
    others = saved_as(code, states)
    state = states.get(code)
    if not others:
        if state is None:
            plan.add(NO_CODE, sheet, row["row"], "code", code=code)
        return state
    title, target = cells.get("title", "").strip(), cells.get("target", "").strip()
    if state is not None and (title == state.item.title.zh if title else
                              target in _targets(state) and not any(target in _targets(states[o]) for o in others)):
        return state
    named = next((o for o in others if title and title == states[o].item.title.zh), None)
    if named:
        plan.add(TITLE_OF_OTHER, sheet, row["row"], "code", code=code, other=named, title=title)
    else:
        plan.add(CANNOT_TELL if state is not None else NOT_CODE_BUT, sheet, row["row"], "code", code=code,
                 other=others)
    return None
