"""Reading numbers from the request. Python's int() accepts any Unicode digit (int("３") == 3) and
str.isdigit() says yes to "²", which int() then refuses with a ValueError: the source of a class of
500s. Every number taken from a URL, query string or form goes through ascii_int instead (page
numbers through portal/pagination.page_arg, which follows the same rule)."""
from __future__ import annotations

import re

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
