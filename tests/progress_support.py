"""Helpers for the status, site, page and feed tests: publish through the services as a staff member."""
from __future__ import annotations

from datetime import date


def editor(app, name: str = "ed"):
    from conftest import make_staff
    from portal.extensions import db
    from portal.models import StaffUser

    with app.app_context():
        existing = db.session.query(StaffUser).filter_by(username=name).first()
        staff_id = existing.id if existing else make_staff(app, name, "editor")
    return staff_id


def publish(app, code: str, status: str, note_zh: str, on: str, note_en: str | None = None, progress=None,
            actor: str = "ed"):
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.services.progress import record_update

    staff_id = editor(app, actor)
    with app.test_request_context():
        entry = record_update(code, status, note_zh, note_en, date.fromisoformat(on), progress or {},
                              actor=db.session.get(StaffUser, staff_id))
        return entry.id


def add_site(app, code: str, name_zh: str, stage: str, target: str | None = None, place: str | None = None,
             on: str = "2023-08-01", building: str | None = None, name_en: str | None = None) -> int:
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.services.sites import add_site as add

    staff_id = editor(app)
    with app.test_request_context():
        return add(code, target, name_zh, name_en, place, building, stage, db.session.get(StaffUser, staff_id),
                   happened_on=date.fromisoformat(on)).id


def move_site(app, site_id: int, stage: str, on: str, note: str | None = None) -> None:
    from portal.extensions import db
    from portal.models import ProjectSite, StaffUser
    from portal.services.sites import set_site_stage

    staff_id = editor(app)
    with app.test_request_context():
        set_site_stage(db.session.get(ProjectSite, site_id), stage, note, date.fromisoformat(on),
                       db.session.get(StaffUser, staff_id))
