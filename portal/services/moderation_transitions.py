"""What may happen to a resident's comment in each moderation state, by which action, and what follows.

The one table of moderation: the service refuses every other move (NotAllowed), and the staff
pages offer a comment only the actions this table allows for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..models import Feedback
from ..states import ModerationState as S


class ModerationAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    REPLY = "reply"
    WITHDRAW = "withdraw"  # by its author, from the tracking page
    FLAG_BACK = "flag_back"  # enough readers' reports send a public comment back to the queue


A = ModerationAction
MODERATOR_ACTIONS = (A.APPROVE, A.REJECT, A.HIDE, A.REPLY)


@dataclass(frozen=True)
class Transition:
    source: S
    action: ModerationAction
    target: S
    reported_only: bool = False  # only while readers' reports are open (flag_count > 0)


TRANSITIONS = (
    Transition(S.PENDING, A.APPROVE, S.PUBLISHED),
    Transition(S.REJECTED, A.APPROVE, S.PUBLISHED),  # published after all
    Transition(S.HIDDEN, A.APPROVE, S.PUBLISHED),
    Transition(S.PUBLISHED, A.APPROVE, S.PUBLISHED, reported_only=True),  # kept; the reports are dismissed
    Transition(S.PENDING, A.REJECT, S.REJECTED),
    Transition(S.PUBLISHED, A.HIDE, S.HIDDEN),
    Transition(S.PUBLISHED, A.REPLY, S.PUBLISHED),
    # Only what is or may become public; a moderator's "not published" or "removed" stays on record as such.
    Transition(S.PENDING, A.WITHDRAW, S.WITHDRAWN),
    Transition(S.PUBLISHED, A.WITHDRAW, S.WITHDRAWN),
    Transition(S.PUBLISHED, A.FLAG_BACK, S.PENDING),
)
_BY_MOVE = {(t.source, t.action): t for t in TRANSITIONS}


def transition(fb: Feedback, action: ModerationAction) -> Transition | None:
    """The move `action` makes from the comment's state now, or None when it does not apply."""
    found = _BY_MOVE.get((fb.state, action))
    if found is None or (found.reported_only and not fb.flag_count):
        return None
    return found


def allows(fb: Feedback, action: ModerationAction) -> bool:
    return transition(fb, action) is not None


def allowed_actions(fb: Feedback, among=MODERATOR_ACTIONS) -> list[ModerationAction]:
    return [action for action in among if allows(fb, action)]
