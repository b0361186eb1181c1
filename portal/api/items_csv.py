"""All work points with their status as one CSV file, for spreadsheets. UTF-8 with a byte-order mark,
because without it Excel opens Chinese text as mojibake."""
from __future__ import annotations

from ..csv_files import csv_response
from ..numbers import plain
from ..services import items as item_service
from ..services.content import content
from ..page_address import public_root
from . import bp, build

COLUMNS = [
    "code", "area", "area_zh", "area_en", "title_zh", "title_en", "offices_zh", "offices_en", "deadline",
    "status", "status_zh", "status_en", "deadline_passed", "overdue", "status_updated_at",
    "last_update_on", "last_note_zh", "last_note_en", "progress", "sites", "url_zh", "url_en",
]


def _progress(targets: list[dict]) -> str:
    return "; ".join(f"{t['key']}={plain(t['progress'])}/{plain(t['value'])}" for t in targets if t["progress"] is not None)


def rows() -> list[dict]:
    """The API's Item shape flattened, so the file and /api/v1/items say the same."""
    root = public_root()  # the API's URLs already start with the path prefix (request.url_root has it too)
    out = []
    for facts in item_service.all_item_facts():
        d = build.item(facts).model_dump(mode="json")
        last = d["history"][0] if d["history"] else None
        status = d["status"]
        out.append({
            "code": d["code"], "area": d["section"]["number"],
            "area_zh": d["section"]["title"]["zh"], "area_en": d["section"]["title"]["en"],
            "title_zh": d["title"]["zh"], "title_en": d["title"]["en"],
            "offices_zh": "、".join(o["zh"] for o in d["departments"]),
            "offices_en": "; ".join(o["en"] for o in d["departments"]),
            "deadline": d["deadline"], "status": status["code"],
            "status_zh": status["label"]["zh"], "status_en": status["label"]["en"],
            "deadline_passed": "yes" if status["deadline_passed"] else "no",
            "overdue": "yes" if status["overdue"] else "no",
            "status_updated_at": status["updated_at"] or "",
            "last_update_on": last["happened_on"] if last else "",
            "last_note_zh": last["note"]["zh"] if last else "",
            "last_note_en": last["note"]["en"] if last else "",
            "progress": _progress(d["targets"]), "sites": len(d["sites"]),
            "url_zh": root + d["url"]["zh"], "url_en": root + d["url"]["en"],
        })
    return out


def items_csv_response():
    """The file of the plan in view (the one the address names, or for /api/v1/items.csv the legacy plan)."""
    filename = f"zhangjiang-{content().plan.slug}.csv"
    return csv_response(COLUMNS, ([row[c] for c in COLUMNS] for row in rows()), filename)


@bp.get("/items.csv")
def items_csv():
    return items_csv_response()
