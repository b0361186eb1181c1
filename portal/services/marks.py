"""我也关心 / "This matters to me": anonymous marks on work points and project sites.

A browser is known only by a random id in a long-lived cookie; the database keeps a keyed hash of
it (SECRET_KEY as the key), so a leaked table cannot be matched to cookies. One mark per browser
per subject is enforced by a unique constraint, so two clicks at once still count once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Feedback, MatterMark, ProjectSite
from .content import plan_slug

COOKIE = "mark_id"
COOKIE_MAX_AGE = 5 * 365 * 24 * 3600


def new_browser_id() -> str:
    return secrets.token_urlsafe(18)


def valid_browser_id(value: str | None) -> bool:
    return bool(value) and 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()


def _hash(browser_id: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"mark:" + browser_id.encode(), hashlib.sha256).hexdigest()


def subject_of(item_code: str, site_id: int | None = None) -> str:
    return f"{item_code}/{site_id}" if site_id else item_code


def add_mark(item_code: str, site_id: int | None, browser_id: str) -> bool:
    """True if this browser's mark is new; False if it had already marked this subject."""
    mark = MatterMark(plan=plan_slug(), subject=subject_of(item_code, site_id), item_code=item_code, site_id=site_id,
                      browser_hash=_hash(browser_id))
    db.session.add(mark)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def count(item_code: str, site_id: int | None = None) -> int:
    stmt = select(func.count(MatterMark.id)).where(MatterMark.plan == plan_slug(),
                                                  MatterMark.subject == subject_of(item_code, site_id))
    return db.session.scalar(stmt) or 0


@dataclass
class Ranked:
    item_code: str
    site: ProjectSite | None
    marks: int
    comments: int


def _comment_counts(by_site: bool) -> dict:
    """Comments received (any state) per work point, or per project site."""
    key = Feedback.site_id if by_site else Feedback.item_code
    stmt = select(key, func.count(Feedback.id)).where(Feedback.plan == plan_slug()).group_by(key)
    if by_site:
        stmt = stmt.where(Feedback.site_id.is_not(None))
    return dict(db.session.execute(stmt).all())


def _mark_counts(by_site: bool) -> dict:
    key = MatterMark.site_id if by_site else MatterMark.item_code
    stmt = select(key, func.count(MatterMark.id)).where(MatterMark.plan == plan_slug()).group_by(key)
    stmt = stmt.where(MatterMark.site_id.is_not(None) if by_site else MatterMark.site_id.is_(None))
    return dict(db.session.execute(stmt).all())


def ranking_items(item_codes: list[str], order: str = "marks") -> list[Ranked]:
    """Every work point with its marks and comments, most first by `order` ("marks" or "comments")."""
    marks, comments = _mark_counts(False), _comment_counts(False)
    rows = [Ranked(code, None, marks.get(code, 0), comments.get(code, 0)) for code in item_codes]
    return _sorted(rows, order)


def ranking_sites(order: str = "marks") -> list[Ranked]:
    marks, comments = _mark_counts(True), _comment_counts(True)
    sites = db.session.scalars(select(ProjectSite).where(ProjectSite.plan == plan_slug())
                               .order_by(ProjectSite.item_code, ProjectSite.id))
    rows = [Ranked(s.item_code, s, marks.get(s.id, 0), comments.get(s.id, 0)) for s in sites]
    return _sorted(rows, order)


def _sorted(rows: list[Ranked], order: str) -> list[Ranked]:
    first = "comments" if order == "comments" else "marks"
    second = "marks" if first == "comments" else "comments"
    return sorted(rows, key=lambda r: (-getattr(r, first), -getattr(r, second)))
