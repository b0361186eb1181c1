"""Publishing a checked sheet: everything in one transaction or nothing, through the same functions as
the staff item form, so each changed work point gets one history entry and its audit record."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import update

from ...extensions import db
from ...i18n import N_
from ...inputs import int_or_none
from ...models import ProjectSite, SheetUpload, utcnow
from .. import audit
from ..content import plan_slug
from ..events import item_changed
from ..locks import hold_write_lock
from ..errors import InvalidInput
from ..progress import add_update
from ..sites import add_stage, new_site
from .check import check
from .personal_data import audit_after
from .plan import Plan
from .read import Parsed


def publish(upload: SheetUpload, actor, anyway: bool = False) -> Plan:
    """Checks the stored rows again against the state now (someone may have published since the preview).
    Texts holding personal data (plan.personal_data) are published only `anyway`, which is audited."""
    claimed = _claim(upload)
    parsed = Parsed.from_dict(upload.rows)
    _hold_records(parsed)
    plan = check(parsed)
    if not claimed or not plan.publishable or (plan.personal_data and not anyway):
        db.session.rollback()
        return plan
    try:
        _apply(plan, actor)
        for found in audit_after(plan) if plan.personal_data else ():
            audit.record("text.published_anyway", "sheet_upload", upload.id, None, found, actor=actor)
        audit.record("sheet.publish", "sheet_upload", upload.id, None, {
            "file": upload.filename, "sha256": upload.sha256, "items": [c.code for c in plan.items],
            "sites_moved": sum(1 for s in plan.sites if s.kind == "stage"),
            "sites_added": sum(1 for s in plan.sites if s.kind == "add")}, actor=actor)
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        plan.add(N_("Nothing was published: %(reason)s"), reason=str(exc))
        return plan
    except Exception:
        db.session.rollback()
        raise
    app = current_app._get_current_object()
    # Search re-indexes, as after an update made in the item form (the commit already changed the data version).
    item_changed.send(app, codes=sorted({c.code for c in plan.items} | {s.code for s in plan.sites}), plan=plan_slug())
    plan.published = True
    return plan


def _claim(upload: SheetUpload) -> bool:
    """Marks the upload published inside the transaction that publishes it, first of all: a second click or
    a second worker finds it taken, and on SQLite the write lock keeps other writers out until the commit."""
    done = db.session.execute(update(SheetUpload).where(SheetUpload.id == upload.id,
                                                        SheetUpload.published_at.is_(None))
                              .values(published_at=utcnow()).execution_options(synchronize_session=False))
    return done.rowcount == 1


def _hold_records(parsed: Parsed) -> None:
    """The write locks the item and project forms take (services/progress.py, sites.py), for every record the
    sheet names, before it is checked against the state now: else, on PostgreSQL, an update made in a form
    between this check and the commit would be published over unseen. Taken in one order, so two sheets
    naming the same records wait for each other rather than deadlock."""
    keys = {f"item:{plan_slug()}/{row['cells'].get('code', '')}" for row in parsed.rows.get("items", [])}
    for row in parsed.rows.get("sites", []):
        site_id = int_or_none(str(row["cells"].get("site_id", "")).split(".")[0])
        keys.add(f"site:{site_id}" if site_id is not None else f"sites:{plan_slug()}/{row['cells'].get('code', '')}")
    for key in sorted(keys):
        hold_write_lock(key)


def _apply(plan: Plan, actor) -> None:
    for c in plan.items:
        add_update(c.code, c.status_after, c.note_zh, c.note_en, c.happened_on,
                   {v.target.key: v.new for v in c.values}, actor=actor)
    for s in plan.sites:
        if s.kind == "stage":
            add_stage(s.site or db.session.get(ProjectSite, s.site_id), s.stage_after, s.note_zh, s.happened_on, actor,
                      note_en=s.note_en)
        else:
            new_site(s.code, s.fields["target"], s.name_zh, s.fields["name_en"], s.fields["place"],
                     s.fields["building"], s.stage_after, actor, happened_on=s.happened_on, note_zh=s.note_zh,
                     note_en=s.note_en)
