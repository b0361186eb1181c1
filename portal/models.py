"""Run-time data: what staff and residents change. Published text lives in content/, not here."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint, and_, or_)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from . import limits
from .extensions import db
from .states import ItemStatus, ModerationState, OutcomeKind, SessionEnd, SiteStage, StaffRole, enum_type
from .usernames import USERNAME_KEY_MAX, username_key


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def item_fk() -> ForeignKeyConstraint:
    """Records about a work point point at (plan, code): a code is unique within its plan only."""
    return ForeignKeyConstraint(["plan", "item_code"], ["work_item.plan", "work_item.code"])


class WorkItem(db.Model):
    """One row per work point of each plan, so run-time records can refer to it."""

    __tablename__ = "work_item"
    __table_args__ = (UniqueConstraint("plan", "code", name="uq_work_item_plan_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(64), index=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    section: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[str] = mapped_column(String(7))
    current_status: Mapped[ItemStatus | None] = mapped_column(enum_type(ItemStatus, 20))
    status_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(limits.USERNAME.max), unique=True)  # as typed, for display
    # What names are compared and looked up by (portal/usernames.py); NFKC may lengthen a name.
    username_key: Mapped[str] = mapped_column(String(USERNAME_KEY_MAX), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[StaffRole] = mapped_column(enum_type(StaffRole, 16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Unused since login throttling moved to Flask-Limiter (per address, not per account); kept so
    # older databases need no destructive migration.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # base32; None = no second factor
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code is accepted once
    recovery_codes: Mapped[list | None] = mapped_column(JSON)  # SHA-256 of each unused code

    # The session record this request came with (set by services/staff_sessions.py, not stored here).
    session_token = None  # str
    current_session = None  # StaffSession

    @validates("username")
    def _keep_key(self, _field: str, username: str) -> str:
        # Set with the name, on create or any rename, so the two can never disagree.
        self.username_key = username_key(username)
        return username

    def get_id(self) -> str | None:
        # Flask-Login keeps get_id() in the cookie: a session token, never the account id or hash.
        return self.session_token

    @property
    def is_active(self) -> bool:
        return bool(self.active)


class StaffSession(db.Model):
    """One row per staff login; the cookie holds the token whose SHA-256 is token_hash."""

    __tablename__ = "staff_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(120))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    end_reason: Mapped[SessionEnd | None] = mapped_column(enum_type(SessionEnd, 32))
    # The TOTP secret being set up in this session, until a code proves the app has it: kept here
    # because Flask's session cookie is signed, not encrypted, and anyone holding it could read it.
    totp_pending: Mapped[str | None] = mapped_column(String(64))
    staff: Mapped[StaffUser] = relationship()


class StaffDraft(db.Model):
    """What a staff member typed into a form that could not be taken (the session or the form had expired),
    kept for a short while so it can be put back into that form (services/drafts.py). The browser holds
    the token whose SHA-256 is token_hash, in a cookie limited to /staff/; one token holds a draft per form
    (page and action) the browser posted."""

    __tablename__ = "staff_draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The account whose session posted it: only that account gets it back (a computer may be shared).
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", name="fk_staff_draft_staff_id"), index=True)
    page: Mapped[str] = mapped_column(String(500))  # the path of the page the form was on
    action: Mapped[str] = mapped_column(String(500))  # the path the form posted to
    fields: Mapped[list] = mapped_column(JSON)  # [[name, value], ...]: the form's own fields, no secrets
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class StatusUpdate(db.Model):
    """A history entry. Corrections are new entries, never edits."""

    __tablename__ = "status_update"
    # The item page's timeline and latest values read one item's entries newest first.
    __table_args__ = (Index("ix_status_update_item_latest", "item_code", "happened_on", "created_at", "id"), item_fk())
    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(64))
    item_code: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[ItemStatus] = mapped_column(enum_type(ItemStatus, 20))
    note_zh: Mapped[str] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    happened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    progress: Mapped[list["TargetProgress"]] = relationship(back_populates="update", cascade="all, delete-orphan")


class TargetProgress(db.Model):
    __tablename__ = "target_progress"
    # An item's latest value of one target: found by key, then joined to the newest entries.
    __table_args__ = (Index("ix_target_progress_key_update", "target_key", "update_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("status_update.id"), index=True)
    target_key: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    update: Mapped[StatusUpdate] = relationship(back_populates="progress")


class ProjectSite(db.Model):
    """A concrete project under a work point's target, such as one building's lift retrofit."""

    __tablename__ = "project_site"
    # Progress counted from sites groups one item's sites by target and stage.
    __table_args__ = (Index("ix_project_site_item_target_stage", "item_code", "target_key", "stage"), item_fk())
    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(64))
    item_code: Mapped[str] = mapped_column(String(16), index=True)
    target_key: Mapped[str | None] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(limits.SITE_NAME.max))
    name_en: Mapped[str | None] = mapped_column(String(limits.SITE_NAME.max))
    place_slug: Mapped[str | None] = mapped_column(String(64), index=True)
    building: Mapped[str | None] = mapped_column(String(limits.BUILDING.max))
    stage: Mapped[SiteStage] = mapped_column(enum_type(SiteStage, 20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    stages: Mapped[list["SiteStageUpdate"]] = relationship(back_populates="site", cascade="all, delete-orphan",
                                                           order_by="SiteStageUpdate.created_at")


class SiteStageUpdate(db.Model):
    __tablename__ = "site_stage_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("project_site.id"), index=True)
    stage: Mapped[SiteStage] = mapped_column(enum_type(SiteStage, 20))
    note_zh: Mapped[str | None] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    happened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)  # dashboard and feeds: newest
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    site: Mapped[ProjectSite] = relationship(back_populates="stages")


class Feedback(db.Model):
    """A resident's comment. Never deleted: a rejected one keeps its reason."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("tracking_code"),
        # A thread page: one item's (or site's) published comments, newest first.
        Index("ix_feedback_item_state_created", "item_code", "state", "created_at"),
        Index("ix_feedback_site_state_created", "site_id", "state", "created_at"),
        # The moderation list of one state, newest first, and the counts per state.
        Index("ix_feedback_state_created", "state", "created_at"),
        Index("ix_feedback_state_flags", "state", "flag_count"),
        item_fk(),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(64))
    item_code: Mapped[str] = mapped_column(String(16), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("project_site.id"), index=True)
    place_slug: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # suggestion | question | concern | praise
    body: Mapped[str] = mapped_column(Text)  # as sent; staff only
    body_public: Mapped[str] = mapped_column(Text)  # personal data masked
    # Counted up by the database itself (a trigger, migration 0019) whenever body_public changes, so every
    # node's search index sees a re-masked text (portal/search/index.py item_signatures), whoever wrote it.
    public_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    display_name: Mapped[str | None] = mapped_column(String(60))
    show_full_name: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[str | None] = mapped_column(String(limits.CONTACT.max))  # staff only
    lang: Mapped[str] = mapped_column(String(2), default="zh")
    state: Mapped[ModerationState] = mapped_column(enum_type(ModerationState, 16), default=ModerationState.PENDING,
                                                   index=True)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    # One of services.moderation_record.REASONS, so the public record can count by reason without
    # publishing the free-text reason (which is written to one resident).
    reason_code: Mapped[str | None] = mapped_column(String(24))
    reply_body: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    body_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime)
    moderated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)  # by its author, from the tracking page

    @hybrid_property
    def in_queue(self) -> bool:
        """Waiting for a first decision, or reported by readers (still public, or back after enough reports)."""
        return self.state == ModerationState.PENDING or (
            self.state == ModerationState.PUBLISHED and (self.flag_count or 0) > 0)

    @in_queue.inplace.expression
    @classmethod
    def _in_queue_expression(cls):
        return or_(cls.state == ModerationState.PENDING,
                   and_(cls.state == ModerationState.PUBLISHED, cls.flag_count > 0))


class FeedbackFlag(db.Model):
    __tablename__ = "feedback_flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    reason: Mapped[str] = mapped_column(String(limits.FLAG_REASON.max))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class MatterMark(db.Model):
    """One "this matters to me" (我也关心) mark: one per browser per work point or project site.

    `subject` is "2.3" for a work point or "2.3/5" for its site 5, so one unique constraint covers
    both (a NULL site_id would not be unique in SQL). The browser's random id is stored only hashed.
    """

    __tablename__ = "matter_mark"
    __table_args__ = (UniqueConstraint("plan", "subject", "browser_hash", name="uq_matter_mark_plan_subject"), item_fk())
    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(40), index=True)
    item_code: Mapped[str] = mapped_column(String(16), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("project_site.id"), index=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SearchQueryWeek(db.Model):
    """What residents searched for, counted per week: the query text and counts, nothing about who."""

    __tablename__ = "search_query_week"
    __table_args__ = (UniqueConstraint("week", "lang", "query", name="uq_search_query_week"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[date] = mapped_column(Date, index=True)  # the Monday, Asia/Shanghai
    lang: Mapped[str] = mapped_column(String(2))
    query: Mapped[str] = mapped_column(String(200))
    searches: Mapped[int] = mapped_column(Integer, default=0)
    nothing_found: Mapped[int] = mapped_column(Integer, default=0)  # not even a near match
    near_only: Mapped[int] = mapped_column(Integer, default=0)  # only the bigram fallback matched
    clicks: Mapped[int] = mapped_column(Integer, default=0)


class Subscription(db.Model):
    """An e-mail address following one thing (item, site, place or one comment's answer). Kept only for
    this: the row is deleted on unsubscribe, and staff see counts, never addresses."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("email", "kind", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(limits.EMAIL.max))
    kind: Mapped[str] = mapped_column(String(16))  # item | site | place | comment
    key: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)


class MailMessage(db.Model):
    """The outgoing mail queue: filled when something happens, emptied by `flask mail send-pending`."""

    __tablename__ = "mail_queue"
    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The comment a mail is about (its "e-mail me the answer" confirmation, its answer): a mail still waiting
    # when the comment is withdrawn or its contact erased goes with it (services/follow.forget_comment).
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id"), index=True)


class SheetUpload(db.Model):
    """A progress spreadsheet between upload and publish: its parsed rows are kept here, server-side, so
    the confirm step publishes exactly what was previewed and never a copy sent back by the browser."""

    __tablename__ = "sheet_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)


class ItemOutcome(db.Model):
    """One per work point, recorded by staff after its plan's year; a change is audited, not versioned here.

    `plan_slug` and `item_code` name the same work_item row as `work_item_id` (the foreign key on both
    keeps them in step); lookups across plans go by these two."""

    __tablename__ = "item_outcome"
    __table_args__ = (
        UniqueConstraint("plan_slug", "item_code", name="uq_item_outcome_plan_code"),
        ForeignKeyConstraint(["plan_slug", "item_code"], ["work_item.plan", "work_item.code"],
                             name="fk_item_outcome_plan_item"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), unique=True)
    plan_slug: Mapped[str] = mapped_column(String(64), index=True)
    item_code: Mapped[str] = mapped_column(String(16))
    result: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind, 20))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # target key -> value achieved
    note_zh: Mapped[str] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    # "<plan-slug>/<code>" of the later plan's item that continues carried-over work.
    continued_by: Mapped[str | None] = mapped_column(String(100), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class DataVersion(db.Model):
    """One row whose token changes in every transaction that changes what public pages show
    (services/data_version.py): all nodes read it, so an ETag made on one node is checked on another."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
