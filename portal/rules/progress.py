"""Figures staff report towards a work point's targets."""
from __future__ import annotations

import math
import re
import unicodedata

from ..i18n import N_
from ..services.units import counts_things

# A value this many times the target is taken for a typing slip (an extra zero), not progress.
SANITY_FACTOR = 10
NO_TARGET = N_("This work point has no such target.")
DERIVED = N_("This target is counted from its project sites; change the sites instead.")
NOT_PERCENT = N_("This target is not a percentage; please give the number without a percent sign.")
# Excel saves a percentage cell to CSV as the text it shows ("96%"), and the sheet reader gives a percent-formatted
# .xlsx cell the same way, so that both reach this one parser.
PERCENT_RE = re.compile(r"\s*%$")
NOT_A_NUMBER = N_("Please give a number.")
# What people write in a figure that no number is read from (a full-width comma is a comma after NFKC): each is
# said, so that the clerk knows what to type instead.
NO_BIG_UNIT = N_("Please give the number in full, in digits, without 万 or 亿 (110000, not 11万).")
NO_SEPARATOR = N_("Please give the number without separators between the digits (1200, not 1,200).")
NO_UNIT = N_("Please give the number alone, without a unit or other words (35, not 35台).")


def _text(raw) -> str:
    # NFKC first: a Chinese input method types full-width digits, point and sign ("９６．５％").
    return unicodedata.normalize("NFKC", str(raw)).strip()


def parse_number(raw) -> float | None:
    """A figure as staff write it; "96%" is the percentage shown, 96 (whether its target takes one is
    figure_problem's question)."""
    if raw is None:
        return None
    try:
        value = float(PERCENT_RE.sub("", _text(raw)))
    except ValueError:
        return None
    # "NaN" and 1e309 are no figure anyone reported; "-0" is 0, not a minus sign on the public page.
    return value + 0.0 if math.isfinite(value) else None


def unreadable_problem(raw) -> str:
    """Why no number was read from a figure, said so that the clerk knows what to type instead."""
    text = _text(raw) if raw is not None else ""
    if re.search(r"\d", text):
        if "万" in text or "亿" in text:
            return NO_BIG_UNIT
        if re.search(r"\d[,\s]\d", text):
            return NO_SEPARATOR
        if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)\s*[^\d\s.+-][^\d]*", text):
            return NO_UNIT
    return NOT_A_NUMBER


def has_percent_sign(raw) -> bool:
    return raw is not None and PERCENT_RE.search(_text(raw)) is not None


def figure_problem(target, raw) -> str | None:
    """What is wrong with a figure as written: a percent sign on a count or a length is refused rather than
    dropped, as "12%" of a count of lifts has no meaning the portal could store."""
    if has_percent_sign(raw) and not is_percentage(target):
        return NOT_PERCENT
    value = parse_number(raw)
    if value is None and raw is not None and _text(raw):
        return unreadable_problem(raw)
    return value_problem(target, value)


def value_problem(target, value: float | None) -> str | None:
    """What is wrong with a reported value for this target, if anything."""
    if value is None:
        return NOT_A_NUMBER
    if not math.isfinite(value) or value < 0:
        return N_("Progress cannot be negative.")
    if counts_things(target.unit.zh) and not value.is_integer():
        return N_("This target counts things; please give a whole number.")
    if is_percentage(target) and value > 100:
        return N_("A percentage cannot be more than 100.")
    if value > SANITY_FACTOR * target.value:
        return N_("This is more than ten times the target; please check the number.")
    return None


def is_percentage(target) -> bool:
    return target.unit.en.strip() == "%"


def needs_confirming(target, value: float) -> bool:
    """Above an exact target: allowed, but staff confirm first (a slip is likelier than overshooting).
    "At least" targets and percentages are meant to be exceeded and are not asked about."""
    return target.comparator == "exact" and not is_percentage(target) and value > target.value


OVER_TARGET = N_("This is more than the target. If it is right, tick the box below to confirm.")
