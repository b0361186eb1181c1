"""Keeps the index current: re-index an item when its status or its published comments change."""
from __future__ import annotations

import logging

from flask import Flask

from ..services.events import feedback_changed, item_changed
from .index import doc_key, update_items

log = logging.getLogger(__name__)


def connect_signals(app: Flask) -> None:
    def _reindex(sender, code=None, item_code=None, codes=None, plan=None, **_kwargs):
        if sender is not app:
            return
        # codes: many items at once (a progress sheet), re-indexed in one index commit. Senders name the
        # plan; without one the codes are the current plan's.
        plan = plan or app.extensions["portal_plans"].current
        targets = [doc_key(plan, c) for c in (list(codes or ()) or [c for c in (code or item_code,) if c])]
        if not targets:
            return
        try:
            update_items(targets)
        except Exception:  # noqa: BLE001 - a failed re-index must not undo the staff action
            log.exception("re-indexing %s failed; the next `flask search ensure` repairs it", targets)

    item_changed.connect(_reindex, weak=False)
    feedback_changed.connect(_reindex, weak=False)
