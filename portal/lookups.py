"""The work point (and project site) an address names, or a 404: one rule for every view that takes
`<code>` (and `<site_id>`) from its address, in the plan the address is about."""
from __future__ import annotations

from flask import abort

from .content import Item
from .extensions import db
from .models import ProjectSite
from .services.content import content


def item_or_404(code: str) -> Item:
    found = content().item(code)
    if found is None:
        abort(404)
    return found


def record_of(model, item: Item, record_id: int):
    """A record about a work point (a project site, a status update) by its id, else 404 when it is about
    another one: codes repeat from plan to plan, so the plan must match as well as the code."""
    record = db.session.get(model, record_id)
    if record is None or (record.plan, record.item_code) != (item.plan, item.code):
        abort(404)
    return record


def site_or_404(code: str, site_id: int) -> tuple[Item, ProjectSite]:
    """A site belongs to one plan's work point; the same id under another item's address is not found."""
    item = item_or_404(code)
    return item, record_of(ProjectSite, item, site_id)
