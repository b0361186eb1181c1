"""Keeps the index current: re-index an item when its status or its published comments change."""
from __future__ import annotations

import logging

from flask import Flask

from ..services.events import feedback_changed, item_changed
from .index import update_items

log = logging.getLogger(__name__)


def connect_signals(app: Flask) -> None:
    def _reindex(sender, code=None, item_code=None, **_kwargs):
        if sender is not app:
            return
        target = code or item_code
        if not target:
            return
        try:
            update_items([target])
        except Exception:  # noqa: BLE001 - a failed re-index must not undo the staff action
            log.exception("re-indexing %s failed; the next `flask search ensure` repairs it", target)

    item_changed.connect(_reindex, weak=False)
    feedback_changed.connect(_reindex, weak=False)
