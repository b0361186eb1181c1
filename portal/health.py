"""/healthz: 200 when the database and content are usable, 503 otherwise."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import WorkItem

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks: dict[str, str] = {}
    store = current_app.extensions.get("portal_content")
    checks["content"] = "ok" if store and len(store.items) == 30 else "missing"
    try:
        plans = current_app.extensions["portal_plans"]
        rows = db.session.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.plan.in_(list(plans.stores))))
        checks["database"] = "ok" if rows == sum(len(s.items) for s in plans.stores.values()) else "not loaded"
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unavailable"
    ok = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ok else "unavailable", checks=checks), 200 if ok else 503
