"""/healthz: 200 when the database and content are usable, 503 otherwise; the search index is reported too."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import WorkItem
from .search import index

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks: dict[str, str] = {}
    plans = current_app.extensions.get("portal_plans")
    # Any number of work points: each year's notice has its own (the 2023 one has 30).
    checks["content"] = "ok" if plans and plans.current_store and plans.current_store.items else "missing"
    try:
        rows = db.session.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.plan.in_(list(plans.stores))))
        checks["database"] = "ok" if rows == sum(len(s.items) for s in plans.stores.values()) else "not loaded"
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = _unreadable_database()
    checks["search_index"] = "ok" if index.opens() else "unavailable"
    serving = checks["content"] == checks["database"] == "ok"
    # Pages do not need the index, and the next search rebuilds a missing or unreadable one: the node
    # still serves (200), and says it is degraded until that rebuild.
    status = "ok" if serving and checks["search_index"] == "ok" else "degraded" if serving else "unavailable"
    return jsonify(status=status, checks=checks), 200 if serving else 503



def _unreadable_database() -> str:
    """A database that answers but has no work_item table was never migrated (`flask --app wsgi db upgrade`):
    said apart from one that cannot be reached, where the operator would look at the server and the password."""
    try:
        return "unavailable" if inspect(db.engine).has_table(WorkItem.__tablename__) else "not migrated"
    except SQLAlchemyError:
        return "unavailable"
