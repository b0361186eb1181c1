"""Finding personal data in text as residents type it, and masking it before anything is published.

Residents write phone numbers as `138 1234 5678`, `138.1234.5678`, `１３８－１２３４－５６７８` and e-mail
addresses with a full-width ＠. Detection runs on an NFKC-normalised copy of the text with odd separators
allowed inside numbers; each match is mapped back to the characters the resident typed, so only those
are replaced and the rest of the text (Chinese punctuation included) stays exactly as written.
"""
from __future__ import annotations

import re
import unicodedata

# The strict form, for validating the contact field (an e-mail address there is read by follow.normalise_email):
# a phone number as people write it (after NFKC), digits with spaces, dashes, dots and an area code in brackets
# ("(021)5855-1234", printed so on every notice), 7 to 20 digits; then perhaps the extension of a switchboard
# number, "转 801", "分机801", "ext. 801", "x801", "#801" ("-801" is already such a number).
CONTACT_PHONE_RE = re.compile(r"(?P<number>\+?[0-9(][0-9\s().-]*?)"
                              r"(?:\s*(?:转|轉|分机号?|分機號?|ext(?:ension)?\.?:?|x|#)\s*[0-9]{1,6})?", re.IGNORECASE)
CONTACT_PHONE_DIGITS = range(7, 21)

# What people put between digit groups (after NFKC): up to two marks ("-", "--", a bracket closing an area
# code), each side up to two spaces, as in "138 - 1234 - 5678" and "(021) 5080-1234".
_MARK = r"[.\-_·•‧∙⋅‐‑‒–—―~/()]"
_SEP = rf"\s{{0,2}}(?:{_MARK}{{1,2}}\s{{0,2}})?"
_D = rf"{_SEP}[0-9]"
PHONE_RE = re.compile(rf"(?<![0-9])(?:\+?8{_SEP}6{_SEP})?1{_SEP}[3-9](?:{_D}){{9}}(?![0-9])")
ID_CARD_RE = re.compile(rf"(?<![0-9])[1-9](?:{_D}){{16}}{_SEP}[0-9Xx](?![0-9])")
# An area code starts with 0, which is dropped after the country code: "+86 21 5080 1234".
LANDLINE_RE = re.compile(rf"(?<![0-9])(?:(?:\+|00)8{_SEP}6{_SEP}0?[1-9][0-9]{{1,2}}|0[0-9]{{2,3}})"
                         rf"{_SEP}[0-9](?:{_D}){{6,7}}(?![0-9])")
_DOT = r"\s*[.。]\s*"
LOOSE_EMAIL_RE = re.compile(rf"[A-Za-z0-9._%+-]+\s*@\s*[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}[A-Za-z]{{2,}}")
_MARKUP = re.compile(r"[<>&\"'`\x00-\x1f\x7f-\x9f]")


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC text and, for each of its characters, the index of the typed character it came from. Invisible
    format characters (zero-width space, soft hyphen, direction marks: category Cf) are left out, as a reader
    sees them: pasted inside a number they hid it from every rule while the page showed it whole; inside a
    match they are replaced with it."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def _digits(s: str) -> str:
    return re.sub(r"[^0-9Xx]", "", s)


def _landline(s: str) -> str:
    """The area code as dialled at home (0 and two or three digits) and stars: a country code left out."""
    d = _digits(s)
    if s.startswith(("+", "00")):
        d = d[4:] if d.startswith("0086") else d[2:]
    return ("0" + d.lstrip("0"))[:4] + "****"


def _phone(s: str) -> str:
    d = _digits(s)[-11:]
    return f"{d[:3]}****{d[-4:]}"


_RULES = (  # order matters: an ID number holds digit runs that look like a phone number
    (ID_CARD_RE, lambda s: _digits(s)[:3] + "*" * 15),
    (PHONE_RE, _phone),
    (LANDLINE_RE, _landline),
    (LOOSE_EMAIL_RE, lambda s: s.strip()[0] + "***@***"),
)


# Every rule needs a digit or an @ (after NFKC): text with neither, as most searches and comments are, is
# returned at once instead of being folded character by character for each rule.
_MAY_HOLD = re.compile(r"[0-9@]")


def mask_personal_data(text: str) -> str:
    """Hide phone numbers, ID-card numbers and e-mail addresses, however they were typed."""
    if not text or not _MAY_HOLD.search(unicodedata.normalize("NFKC", text)):
        return text
    for pattern, replace in _RULES:
        folded, origin = _normalised(text)
        pieces, last = [], 0
        for m in pattern.finditer(folded):
            start, end = origin[m.start()], origin[m.end() - 1] + 1
            pieces += [text[last:start], replace(m.group(0))]
            last = end
        if pieces:
            text = "".join(pieces) + text[last:]
    return text


def plain_name(name: str | None) -> str:
    """A display name as shown to the public: NFKC, without markup characters or control characters."""
    if not name:
        return ""
    name = _MARKUP.sub("", unicodedata.normalize("NFKC", name))
    return re.sub(r"\s+", " ", name).strip()


def is_contact_phone(value: str) -> bool:
    """Whether `value` (NFKC-normalised, stripped) is a phone number as the contact field takes it."""
    m = CONTACT_PHONE_RE.fullmatch(value)
    return bool(m) and sum(c.isdigit() for c in m["number"]) in CONTACT_PHONE_DIGITS
