"""Reading the request: text a page may repeat, and numbers.

Text: a page that repeats what a resident typed (a tracking code not found, a search, a comment sent back
with its errors) repeated invisible characters too, and a bidi override or isolate in a shared link made it
show a sentence no one wrote. Query strings (portal/app_class.PortalRequest), residents' forms
(same_origin.ResidentForm) and the text shown back on a refusal (forms.typed_text) go through visible_text;
only the joiners and tags that make an emoji sequence one picture (👨‍👩‍👧, 🏴󠁧󠁢󠁳󠁣󠁴󠁿) are kept.

Numbers: Python's int() accepts any Unicode digit (int("３") == 3) and
str.isdigit() says yes to "²", which int() then refuses with a ValueError: the source of a class of
500s. Every number taken from a URL, query string or form goes through ascii_int instead (page
numbers through portal/pagination.page_arg, which follows the same rule)."""
from __future__ import annotations

import re
import unicodedata

from .emoji_ranges import character_class

_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # the largest key PostgreSQL's INTEGER holds; <int:> routes stop at the same bound


def ascii_int(value) -> int:
    """An int from ASCII digits 0-9 only, at most MAX_ID; ValueError otherwise, so that it can be
    given as `type=` to request.args.get (bad value -> default) or as a WTForms `coerce`."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise ValueError(f"not a whole number: {value!r}")
    if number > MAX_ID:
        raise ValueError(f"too large: {value!r}")
    return number



def int_or_none(value) -> int | None:
    """ascii_int, with None for anything that is not such a number (ids from hidden fields and URLs)."""
    try:
        return ascii_int(value)
    except ValueError:
        return None


# Line breaks and tabs are what a resident types; every other control (C0, DEL, C1) and format character
# (bidi embeddings, overrides, isolates and marks, zero-width characters, soft hyphen, BOM, tags) is not seen
# as such on a page, only by what it does to the text around it.
_KEPT = frozenset("\t\n\r")
_INVISIBLE = frozenset(("Cc", "Cf"))

# Except where an emoji sequence (UTS #51) needs them to be one picture: a zero-width joiner between two
# pictographs (👨‍👩‍👧; each may carry a variation selector or skin tone), and the tag characters of a
# subdivision flag (🏴 U+1F3F4, a subdivision code as tag letters and digits, CANCEL TAG U+E007F; the code is
# 3 to 7 long, as CLDR's subdivision ids, so that no sentence hides in tags). A joiner or tag anywhere else
# is removed.
_PICTOGRAPH = f"[{character_class()}]"
_MODIFIERS = "[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*"
_ELEMENT = f"(?:\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{{3,7}}\U000e007f|{_PICTOGRAPH}){_MODIFIERS}"
EMOJI_SEQUENCE = re.compile(f"{_ELEMENT}(?:\u200d{_ELEMENT})*")


def visible_text(value):
    """`value` without Unicode control and format characters (categories Cc and Cf) other than tab, line feed
    and carriage return, and the joiners and tags inside emoji sequences (EMOJI_SEQUENCE); anything but a str
    as it is."""
    if not isinstance(value, str) or value.isprintable():  # isprintable: no Cc, Cf (nor any space but " ")
        return value
    kept, start = [], 0
    for sequence in EMOJI_SEQUENCE.finditer(value):
        kept.append(_visible_chars(value[start:sequence.start()]))
        kept.append(sequence.group())
        start = sequence.end()
    kept.append(_visible_chars(value[start:]))
    return "".join(kept)


def _visible_chars(text: str) -> str:
    return "".join(ch for ch in text if ch in _KEPT or unicodedata.category(ch) not in _INVISIBLE)
