"""/<lang>/plans/: every plan the site serves, newest first, with its year, document number and statuses."""
from __future__ import annotations

from collections import Counter

from flask import render_template

from ..services.content import registry
from ..services.dashboard import STATUS_ORDER
from ..services.status import status_map
from . import bp


def status_counts(store) -> dict[str, int]:
    counts = Counter(s.code for s in status_map(store.items).values())
    return {code: counts[code] for code in STATUS_ORDER if counts[code]}


@bp.get("/<lang>/plans/")
def plans():
    plans = registry()
    rows = [(store.plan, len(store.items), status_counts(store)) for store in plans.stores.values()]
    rows.sort(key=lambda r: (r[0].year, r[0].date), reverse=True)
    return render_template("public/plans.html", rows=rows, current=plans.current)
