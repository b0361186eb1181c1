"""Units that count things: progress against them is a whole number (half a lift is not progress).

One list for the staff item form (services/progress.py) and the progress spreadsheets
(services/sheets/), so both refuse the same values. Read from the units in content/items/*.yaml.
"""
from __future__ import annotations

COUNTED_UNITS = frozenset({
    "台", "个", "处", "座", "户", "家", "所", "条", "辆", "场", "次", "栋", "幢", "间", "套", "项", "名", "人",
    "棵", "盏", "块", "张", "批", "个小区",
})


def counts_things(unit_zh: str) -> bool:
    return unit_zh.strip() in COUNTED_UNITS
