"""The public moderation record: per month, what happened to the comments received that month.

Counts only: no text, name, address or moderator appears. Every figure is one grouped SQL query,
so the page costs the same with ten comments or a hundred thousand. Months are Shanghai months
(UTC+8 all year, no daylight saving, so a fixed offset is exact).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, extract, func, literal_column, select

from ..extensions import db
from ..i18n import N_
from ..models import Feedback
from ..states import ModerationState

# Why a comment was not published or was removed. Staff pick one beside the text the resident reads.
REASONS = {
    "personal_data": N_("Contains personal details"),
    "off_topic": N_("Not about this work point"),
    "abusive": N_("Abusive or insulting"),
    "advertising": N_("Advertising or spam"),
    "duplicate": N_("Repeats an earlier comment"),
    "other": N_("Another reason"),
}
UNCLASSIFIED = N_("Reason not classified")
DECIDED = (ModerationState.PUBLISHED, ModerationState.REJECTED, ModerationState.HIDDEN)


def _month(column):
    # Literals inline, not bound: PostgreSQL matches a GROUP BY expression to the SELECT's only when
    # both are the same text, and two bound parameters ($1, $2) are not.
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column + literal_column("interval '8 hours'"), literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column, literal_column("'+8 hours'"))


def _seconds_between(start, end):
    if db.engine.dialect.name == "postgresql":
        return extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


@dataclass
class Month:
    month: str
    received: int = 0
    published: int = 0
    pending: int = 0
    withdrawn: int = 0  # by their authors, from the tracking page
    rejected: dict[str, int] = field(default_factory=dict)  # reason code (or "") -> count
    hidden: dict[str, int] = field(default_factory=dict)
    replies: int = 0
    median_seconds: float | None = None

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden.values())


def _states(month) -> dict[str, dict[str, int]]:
    stmt = select(month, Feedback.state, func.count(Feedback.id)).group_by(month, Feedback.state)
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for m, state, n in db.session.execute(stmt):
        out[m][state] = n
    return out


def _reasons(month) -> list[tuple[str, str, str, int]]:
    reason = func.coalesce(Feedback.reason_code, "")
    stmt = (select(month, Feedback.state, reason, func.count(Feedback.id))
            .where(Feedback.state.in_((ModerationState.REJECTED, ModerationState.HIDDEN))).group_by(month, Feedback.state, reason))
    return list(db.session.execute(stmt))


def _replies(month) -> dict[str, int]:
    stmt = select(month, func.count(Feedback.id)).where(Feedback.reply_body.is_not(None)).group_by(month)
    return dict(db.session.execute(stmt).all())


def _medians(month) -> dict[str, float]:
    """Median seconds from comment to its (latest) decision, per month: a window query, no rows fetched."""
    seconds = _seconds_between(Feedback.created_at, Feedback.moderated_at)
    ranked = (select(month.label("m"), seconds.label("s"),
                     func.row_number().over(partition_by=month, order_by=seconds).label("rn"),
                     func.count().over(partition_by=month).label("n"))
              .where(Feedback.moderated_at.is_not(None), Feedback.state.in_(DECIDED)).subquery())
    middle = and_(ranked.c.rn >= ranked.c.n / 2.0, ranked.c.rn <= ranked.c.n / 2.0 + 1)
    stmt = select(ranked.c.m, func.avg(ranked.c.s)).where(middle).group_by(ranked.c.m)
    return {m: float(s) for m, s in db.session.execute(stmt)}


def record() -> list[Month]:
    """Newest month first."""
    month = _month(Feedback.created_at)
    states, replies, medians = _states(month), _replies(month), _medians(month)
    months = {m: Month(m, received=sum(by.values()), published=by.get(ModerationState.PUBLISHED, 0),
                       pending=by.get(ModerationState.PENDING, 0), withdrawn=by.get(ModerationState.WITHDRAWN, 0))
              for m, by in states.items()}
    for m, state, reason, n in _reasons(month):
        getattr(months[m], state)[reason] = n
    for m, row in months.items():
        row.replies = replies.get(m, 0)
        row.median_seconds = medians.get(m)
    return sorted(months.values(), key=lambda r: r.month, reverse=True)


def reason_label(code: str) -> str:
    return REASONS.get(code, UNCLASSIFIED)


