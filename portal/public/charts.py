"""Geometry of the server-rendered SVG bar charts. The SVG carries only shapes, classes and text
(no style attributes, so the strict CSP holds); the numbers are also in a table beside each chart."""
from __future__ import annotations

import unicodedata

from ..services.dashboard import STATUS_ORDER

# User units; about one unit per CSS pixel on a 360 px phone, so 11-unit text stays readable there.
WIDTH = 320
ROW = 34
LABEL_Y = 12
BAR_Y = 16
BAR_H = 13
TOTAL_ROOM = 30
LABEL_ROOM = 52  # half-width characters; a Chinese character counts as two


def _shorten(text: str, room: int = LABEL_ROOM) -> str:
    used, out = 0, []
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > room - 1:
            return "".join(out).rstrip() + "…"
        out.append(ch)
        used += w
    return text


def bars(rows: list[tuple[str, dict[str, int]]]) -> dict:
    """rows: (label, counts per status) -> bars with stacked segments, scaled to the largest total."""
    totals = [sum(c.values()) for _, c in rows]
    top = max(totals, default=0) or 1
    usable = WIDTH - TOTAL_ROOM
    out = []
    for n, ((label, counts), total) in enumerate(zip(rows, totals)):
        y = n * ROW
        x = 0.0
        segments = []
        for code in STATUS_ORDER:
            count = counts.get(code, 0)
            if not count:
                continue
            width = usable * count / top
            segments.append({"code": code, "count": count, "x": round(x, 1), "width": round(width, 1)})
            x += width
        out.append({"label": _shorten(label), "full_label": label, "label_y": y + LABEL_Y, "bar_y": y + BAR_Y,
                    "bar_h": BAR_H, "segments": segments, "total": total, "total_x": round(x + 4, 1),
                    "text_y": y + BAR_Y + BAR_H - 2})
    return {"width": WIDTH, "height": max(len(rows) * ROW, ROW), "bars": out}
