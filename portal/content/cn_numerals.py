"""Chinese numerals as numbers: 三十五 → 35, 一百二十 → 120, 两万 → 20000, 二〇二五 → 2025.

Used by the honesty check (a figure written out in words) and the notice parser (an issue date or a
title's year written 二〇二五年二月二十日, as many official documents are)."""
from __future__ import annotations

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_LARGE = {"万": 10_000, "亿": 100_000_000}


def cn_value(run: str) -> float | None:
    """The number a run of Chinese numerals writes; a run of digits alone is read digit by digit (a year)."""
    if all(ch in CN_DIGITS for ch in run):
        return float("".join(str(CN_DIGITS[ch]) for ch in run)) if len(run) > 1 else float(CN_DIGITS[run])
    total = section = digit = 0
    for ch in run:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:  # 万, 亿
            total += (section + digit or 1) * CN_LARGE[ch]
            section = digit = 0
    value = total + section + digit
    return float(value) if value else None
