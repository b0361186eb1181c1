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


def site_or_404(code: str, site_id: int) -> tuple[Item, ProjectSite]:
    """A site belongs to one plan's work point; the same id under another item's address is not found."""
    item = item_or_404(code)
    site = db.session.get(ProjectSite, site_id)
    if site is None or (site.plan, site.item_code) != (item.plan, item.code):
        abort(404)
    return item, site
