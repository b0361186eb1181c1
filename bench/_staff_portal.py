"""What the staff-side benches (moderation, sheets, feedback_export) start from: the schema migrated, the content
loaded and one staff account, `bench`. Bench data only: nothing here is ever loaded by `make run`."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "lantern orchard 4711 river"


def loaded_portal(role: str):
    """Inside an app context: migrates, loads the content and creates `bench` with `role`; returns the content
    store and its work points' codes."""
    from flask_migrate import upgrade

    from portal.services.auth import create_staff
    from portal.services.content import content, sync_items

    upgrade(directory=str(ROOT / "migrations"))
    store = content()
    sync_items(store)
    create_staff("bench", PASSWORD, role)
    return store, [i.code for i in store.items]
