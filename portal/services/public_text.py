"""Personal data in text staff publish (official replies, status and stage notes, outcomes, project names) or
give a resident on the tracking page (reasons for not publishing or removing a comment).

Residents' comments are masked on arrival; staff text is published as typed, because it legitimately gives
the town's own office numbers. So instead of masking it, the form comes back with a warning when the text
holds what looks like a mobile number, an ID-card or bank card number, a personal e-mail address, a QQ number
or a WeChat ID (after the word naming it: an official account is "微信公众号", not caught), found by the same
rules that mask comments (masking.personal_data_in). Staff remove it or tick "Publish anyway" (the town's
own mobile, say), and publishing anyway is kept in the audit log. Landlines are the town's usual numbers:
they are warned about only when they are the number a resident gave with the comment replied to.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale, gettext

from ..extensions import db
from ..i18n import N_
from . import audit
from .masking import personal_data_in

# Addresses on government mail domains are offices' mailboxes, published on purpose (unless a resident
# gave that very address as their contact).
OFFICIAL_MAIL_DOMAINS = ("gov.cn",)

WHAT = {
    "mobile": N_("what looks like a mobile number (%(shown)s)"),
    "id_card": N_("what looks like an ID card number (%(shown)s)"),
    "bank_card": N_("what looks like a bank card number (%(shown)s)"),
    "email": N_("what looks like a personal e-mail address (%(shown)s)"),
    "qq": N_("what looks like a QQ number (%(shown)s)"),
    "wechat": N_("what looks like a WeChat ID (%(shown)s)"),
    "contact": N_("the phone number the resident gave (%(shown)s)"),
}
REPLY_WARNING = N_("Your reply contains %(found)s. Replies are public: remove it, or tick “Publish anyway” if it is "
                   "meant to be public (the town's own number, for example).")
REASON_WARNING = N_("This reason contains %(found)s. The resident reads it on the tracking page, as does anyone they "
                    "give its link: remove it, or tick “Publish anyway” if it is meant to be shown (the town's own "
                    "number, for example).")
TEXT_WARNING = N_("This text contains %(found)s. It is published as typed: remove it, or tick “Publish anyway” if "
                  "it is meant to be public (the town's own number, for example).")


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of WHAT
    shown: str  # masked, as the warning and the audit log give it


def findings(text: str | None, contacts: Iterable[str | None] = ()) -> list[Finding]:
    """What in `text` should not be published unseen; `contacts`: what the resident concerned gave as contact."""
    given = [c for c in contacts if c]
    out: list[Finding] = []
    for f in personal_data_in(text):
        if f.kind == "landline":
            if not any(_same_number(f.found, c) for c in given):
                continue
            finding = Finding("contact", f.masked)
        elif f.kind == "email" and _official(f.found) and not any(_same_address(f.found, c) for c in given):
            continue
        else:
            finding = Finding(f.kind, f.masked)
        if finding not in out:
            out.append(finding)
    return out


def check(texts: Mapping[str, str | None], contacts: Iterable[str | None] = ()) -> dict[str, list[Finding]]:
    """Findings by field name, for the fields that have any."""
    contacts = list(contacts)
    found = {name: findings(text, contacts) for name, text in texts.items()}
    return {name: items for name, items in found.items() if items}


def named(items: list[Finding]) -> str:
    """The findings as a phrase in the staff member's language: "what looks like a mobile number (138****5678)"."""
    return format_list([gettext(WHAT[f.kind], shown=f.shown) for f in items], locale=get_locale())


WARNINGS = {"reply": REPLY_WARNING, "reason": REASON_WARNING}  # by field name; TEXT_WARNING for any other


def warning(items: list[Finding], field: str = "") -> str:
    """The message shown beside the field, in the staff member's language."""
    return gettext(WARNINGS.get(field, TEXT_WARNING), found=named(items))


def record_published_anyway(target_type: str, target_id, found: Mapping[str, list[Finding]], actor) -> None:
    """Audits text published despite the warning, once it is published: field -> what was found, masked
    (the text in full is in the entry of the publication itself)."""
    audit.record("text.published_anyway", target_type, target_id, None,
                 {name: ", ".join(f.shown for f in items) for name, items in found.items()}, actor=actor)
    db.session.commit()


def _national(number: str) -> str:
    """Digits of a phone number without country code or leading zeros: 021-5080 1234 and +86 21 5080 1234 agree."""
    folded = unicodedata.normalize("NFKC", number).strip()
    digits = re.sub(r"[^0-9]", "", folded)
    if folded.startswith("+") or folded.startswith("00"):
        digits = digits[4:] if digits.startswith("0086") else digits[2:] if digits.startswith("86") else digits
    return digits.lstrip("0")


def _same_number(found: str, contact: str) -> bool:
    a, b = _national(found), _national(contact)
    if len(a) < 7 or len(b) < 7:
        return False
    # A contact given without its area code (5080 1234) is the same line as 021-5080 1234.
    return a == b or a.endswith(b) or b.endswith(a)


def _address(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("。", ".").casefold()


def _same_address(found: str, contact: str) -> bool:
    return _address(found) == _address(contact)


def _official(address: str) -> bool:
    domain = _address(address).rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in OFFICIAL_MAIL_DOMAINS)
