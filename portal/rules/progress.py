"""Figures staff report towards a work point's targets."""
from __future__ import annotations

import math

from ..i18n import N_
from ..services.units import counts_things

# A value this many times the target is taken for a typing slip (an extra zero), not progress.
SANITY_FACTOR = 10
NO_TARGET = N_("This work point has no such target.")
DERIVED = N_("This target is counted from its project sites; change the sites instead.")


def parse_number(raw) -> float | None:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def value_problem(target, value: float | None) -> str | None:
    """What is wrong with a reported value for this target, if anything."""
    if value is None:
        return N_("Please give a number.")
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
