"""The audit log and an item's history as staff read them on a phone: labels in the staff member's
language instead of stored keys, target names instead of target keys, times in Asia/Shanghai.

The log itself keeps its stored JSON unchanged; this only decides how it is shown."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext

from ..i18n import N_, both, current_lang
from ..numbers import plain
from ..services.clock import town_clock
from ..services.content import content
from ..services.feedback import STATES
from ..services.outcomes import LABELS as OUTCOMES
from ..services.sites import STAGES
from ..services.status import NO_REPORT_MESSAGE, STATUSES

KEY_LABELS = {
    "status": N_("Status"), "progress": N_("Progress"), "entry": N_("This entry"),
    "note_zh": N_("Note (Chinese)"), "note_en": N_("Note (English)"), "happened_on": N_("Date it happened"),
    "state": N_("State"), "reject_reason": N_("Reason"), "reply": N_("Official reply"), "flags": N_("Reports"),
    "username": N_("User name"), "role": N_("Role"), "active": N_("Active"), "until": N_("Locked until"),
    "rows": N_("Rows"), "stage": N_("Stage"), "item": N_("Work point"), "target": N_("Counts towards target"),
    "name_zh": N_("Name (Chinese)"), "name_en": N_("Name (English, optional)"), "place": N_("Place"),
    "building": N_("Building (optional)"), "sessions_ended": N_("Sessions ended"), "session": N_("Session"),
    "result": N_("Outcome"), "figures": N_("Figures achieved"), "continued_by": N_("Continued by"),
    "recovery_codes": N_("Recovery codes"), "left": N_("Left"), "ip": N_("Address (hashed)"), "step": N_("Step"),
    "limit": N_("Limit reached"), "file": N_("File"), "sha256": N_("File fingerprint"),
    "bytes": N_("Size (bytes)"), "problems": N_("Problems found"), "format": N_("Format"), "office": N_("Office"),
    "items": N_("Work points"), "sites": N_("Projects"), "sites_moved": N_("Project stages recorded"),
    "sites_added": N_("Projects added"), "codes": N_("Codes"), "moves": N_("New codes"),
    "records": N_("Records moved"), "erased_contacts": N_("Contacts erased"),
    "before": N_("Comments closed before"), "plan": N_("Plan"),
}
ACTION_LABELS = {
    "item.update": N_("Status update published"), "site.create": N_("Project added"),
    "site.stage": N_("Project stage recorded"), "feedback.approve": N_("Comment published"),
    "feedback.reject": N_("Comment not published"), "feedback.hide": N_("Comment removed"),
    "feedback.reply": N_("Official reply"), "feedback.flagged_back_to_review": N_("Comment back to review after reports"),
    "feedback.export": N_("Comments downloaded"), "staff.create": N_("Account created"),
    "staff.reset_password": N_("Password reset"), "staff.enable": N_("Account enabled"),
    "staff.disable": N_("Account disabled"), "staff.role": N_("Role changed"),
    "staff.locked": N_("Account locked"),  # recorded by the lockout of the first version; old entries keep it
    "staff.login_failed": N_("Failed login"), "staff.login_throttled": N_("Login refused: too many attempts"),
    "staff.session_end": N_("Session ended"), "staff.sessions_end": N_("All sessions ended"),
    "staff.2fa_enable": N_("Second factor turned on"), "staff.2fa_disable": N_("Second factor turned off"),
    "staff.2fa_new_codes": N_("New recovery codes"), "staff.2fa_recovery_used": N_("Recovery code used"),
    "feedback.withdraw": N_("Comment withdrawn by its author"), "privacy.purge": N_("Contacts erased"),
    "sheet.download": N_("Progress sheet downloaded"), "sheet.upload": N_("Progress sheet uploaded"),
    "sheet.publish": N_("Progress sheet published"), "item.outcome": N_("Outcome recorded"),
    "plan.renumber": N_("Work points renumbered"),
    "text.published_anyway": N_("Published despite a personal-data warning"),
}
# Where a login was refused (services/auth.py, staff/throttle.py).
STEPS = {"password": N_("Password"), "code": N_("Code"), "confirm": N_("Password or code asked again")}
LIMITS = {"address": N_("From this address"), "anywhere": N_("From any address")}
# Snapshot values that are stored times (naive UTC, ISO): shown like the entry's own time.
TIME_KEYS = frozenset({"before"})
CODE_LABELS = {"status": STATUSES, "state": STATES, "stage": STAGES, "result": OUTCOMES, "step": STEPS,
               "limit": LIMITS}


@dataclass
class Row:
    label: str
    value: str = ""
    rows: list["Row"] = field(default_factory=list)


def target_name(item_code: str | None, key: str, plan: str | None = None) -> str:
    """A target's name in the staff member's language, from the work point of `plan` (else of the plan in view)."""
    item = content(plan).item(item_code) if item_code else None
    target = next((t for t in item.targets if t.key == key), None) if item else None
    return target.metric.get(current_lang()) if target else key


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, float):
        return plain(value)
    if isinstance(value, list):  # work point codes
        return ", ".join(str(v) for v in value) or "—"
    if key in TIME_KEYS and isinstance(value, str):
        try:
            return town_clock(datetime.fromisoformat(value))
        except ValueError:
            return value
    labels = CODE_LABELS.get(key)
    if labels and value in labels:
        return gettext(labels[value])
    return str(value)


def rows_of(data, item_code: str | None = None, key: str | None = None, plan: str | None = None) -> list[Row]:
    """A stored dict as label → value rows; progress dicts name their targets, from the work point of the
    plan the entry names (entries from before plans were named take the plan in view)."""
    if not isinstance(data, dict):
        return [Row(gettext(KEY_LABELS[key]) if key in KEY_LABELS else (key or ""), _value(key or "", data))]
    plan = plan or (data.get("plan") if isinstance(data.get("plan"), str) else None)
    out = []
    for k, v in data.items():
        if key in ("progress", "figures"):
            label = target_name(item_code, k, plan)
        else:
            label = gettext(KEY_LABELS[k]) if k in KEY_LABELS else k
        if isinstance(v, dict):
            out.append(Row(label, "" if v else "—", rows_of(v, item_code, k, plan)))
        elif k == "target" and isinstance(v, str):
            out.append(Row(label, target_name(item_code, v, plan)))
        else:
            out.append(Row(label, _value(k, v)))
    return out


def status_text_in(code: str, lang: str) -> str:
    """A status label in either language, for the preview of both public pages."""
    return both(STATUSES.get(code, NO_REPORT_MESSAGE))[lang]


def action_label(action: str) -> str:
    return gettext(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def item_code_of(entry) -> str | None:
    if entry.target_type == "work_item":
        return entry.target_id
    for snapshot in (entry.after, entry.before):
        if isinstance(snapshot, dict) and snapshot.get("item"):
            return snapshot["item"]
    return None
