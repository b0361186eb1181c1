"""Progress spreadsheets: preview and publish time for a filled sheet of 30 work points and 2,000 projects.

    python -m bench sheets                    # 2,000 projects, 2 rounds (a fresh database each round)
    python -m bench sheets --sites 500 --rounds 1

Each round builds a temporary SQLite database and search index with the 30 work points and N project
sites, downloads the .xlsx through the route, fills in every work point (a value, a status and a
note) and moves every project to its next stage with openpyxl, then times through the test client:
download (GET …/download), preview (POST …/upload: read and store; GET the preview: check and
render) and publish (POST …/publish: one transaction, audit, search re-index, cache invalidation).
Wall and CPU milliseconds are both kept: the machine is shared.
Results: bench/results/sheets.json and bench/results/sheets.md.
"""
from __future__ import annotations

import argparse
import io
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ._staff_portal import PASSWORD, loaded_portal

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', html)
    return m.group(1) or m.group(2)


def _clock(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000


def _app(tmp: str, sites: int):
    os.environ["PORTAL_INSTANCE_DIR"] = str(Path(tmp) / "instance")
    from portal import create_app
    from portal.extensions import db
    from portal.models import ProjectSite, SiteStageUpdate
    from portal.search.index import build
    from datetime import date

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SEARCH_INDEX": f"{tmp}/index",
                      "SECRET_KEY": "bench", "PORTAL_TODAY": "2023-12-20"})
    with app.app_context():
        store, codes = loaded_portal("editor")
        for n in range(sites):  # bench data only, in one transaction: what is timed is the sheet, not this
            site = ProjectSite(plan=store.plan.slug, item_code=codes[n % len(codes)], name_zh=f"测试项目{n}号", building=f"{n % 40 + 1}号楼",
                               stage="consultation")
            site.stages.append(SiteStageUpdate(stage="consultation", happened_on=date(2023, 8, 1)))
            db.session.add(site)
        db.session.commit()
        build()
    return app


def _fill(data: bytes) -> bytes:
    from openpyxl import load_workbook

    from portal.services.sheets.columns import ITEMS, SITES

    wb = load_workbook(io.BytesIO(data))
    ws, col = wb[ITEMS.title], {c.key: n for n, c in enumerate(ITEMS.columns, start=1)}
    seen = set()
    for row in range(2, ws.max_row + 1):
        code = ws.cell(row, col["code"]).value
        target_value = ws.cell(row, col["target_value"]).value
        new_value = ws.cell(row, col["new_value"])
        if target_value and not new_value.protection.locked:
            half = max(1, int(target_value) // 2)
            # A cell formatted as a percentage holds a fraction, as Excel stores what a clerk types as 47%.
            new_value.value = half / 100 if "%" in new_value.number_format else half
        if code not in seen:
            seen.add(code)
            for key, value in (("new_status", "推进中"), ("note_zh", f"{code}：过半完成。"), ("happened_on", "2023-10-01")):
                ws.cell(row, col[key], value=value)
    ws, col = wb[SITES.title], {c.key: n for n, c in enumerate(SITES.columns, start=1)}
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col["site_id"]).value:
            ws.cell(row, col["new_stage"], value="施工中")
            ws.cell(row, col["happened_on"], value="2023-10-02")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _round(sites: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-sheets-") as tmp:
        app = _app(tmp, sites)
        client = app.test_client()
        page = client.get("/staff/login").get_data(as_text=True)
        client.post("/staff/login", data={"username": "bench", "password": PASSWORD, "csrf_token": _csrf(page)})
        r, down_ms, down_cpu = _clock(lambda: client.get("/staff/progress-sheets/download?format=xlsx"))
        filled = _fill(r.data)
        token = _csrf(client.get("/staff/progress-sheets").get_data(as_text=True))

        def preview():
            posted = client.post("/staff/progress-sheets/upload", content_type="multipart/form-data",
                                 data={"csrf_token": token, "sheet": (io.BytesIO(filled), "bench.xlsx")})
            return client.get(posted.headers["Location"])

        shown, prev_ms, prev_cpu = _clock(preview)
        html = shown.get_data(as_text=True)
        action = re.search(r'action="(/staff/progress-sheets/[^"]+/publish)"', html)
        assert action, "the filled sheet has problems: " + re.sub(r"<[^>]+>", " ", html)[-2000:]
        done, pub_ms, pub_cpu = _clock(lambda: client.post(action.group(1), data={"csrf_token": _csrf(html)}))
        assert done.status_code == 302, done.status_code
        changes = re.search(r"发布全部 (\d+)\s项变化", html)
        return {"download_ms": down_ms, "download_cpu_ms": down_cpu, "xlsx_kib": len(filled) / 1024,
                "preview_ms": prev_ms, "preview_cpu_ms": prev_cpu, "publish_ms": pub_ms, "publish_cpu_ms": pub_cpu,
                "changes": int(changes.group(1)) if changes else None}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sheets")
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(ROOT))
    load = os.getloadavg()[0]
    runs = [_round(args.sites) for _ in range(args.rounds)]

    def med(key):
        return round(statistics.median(r[key] for r in runs))

    results = {"sites": args.sites, "rounds": args.rounds, "load_average_at_start": round(load, 1), "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sheets.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    md = "\n".join([
        "# Progress sheets (python -m bench sheets)", "",
        f"30 work points (44 target rows) and {args.sites:,} project rows, every work point and every project "
        f"changed ({runs[0]['changes']} changes, a {runs[0]['xlsx_kib']:.0f} KiB .xlsx). SQLite, test client, "
        f"median of {args.rounds} rounds, each on a fresh database. Load average at the start: {load:.1f} "
        "(shared 2-core machine: wall times vary with others' load, CPU times less).", "",
        "| step | wall ms | CPU ms |", "| --- | ---: | ---: |",
        f"| download .xlsx (build with locks, drop-downs, validation) | {med('download_ms')} | {med('download_cpu_ms')} |",
        f"| preview (upload: zip checks, openpyxl read-only, store; then check and render) | {med('preview_ms')} | {med('preview_cpu_ms')} |",
        f"| publish (re-check, one transaction, audit, re-index, cache) | {med('publish_ms')} | {med('publish_cpu_ms')} |",
        "",
    ])
    (RESULTS / "sheets.md").write_text(md)
    print(md)
    return 0
