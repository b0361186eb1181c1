"""How each cost grows with the data: the same pages at 1x, 10x and 100x the real portal.

    python -m bench scale                      # 1x, 10x, 100x (about 3 minutes on 2 cores)
    python -m bench scale --factors 1 10 --rounds 5

At factor f the portal holds 30f work points (the real 30, then recombined ones as in the search
bench), 1,000f published comments (a tenth of them on the lift item 2.3), 100f pending comments,
100f project sites (a tenth on 2.3) and 20f status updates. Each page is requested through the test
client with the page cache off, so what is timed is the route, its queries and its templates.
Besides, the item page is timed with 1,000 varied comments and 200 updates against the same page
with none (the target is at most 2x). Search at 100x has its own bench (`python -m bench search`).
Results: bench/results/scale.json and bench/results/scale.md.
"""
from __future__ import annotations

import argparse
import dataclasses
import re
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "Bench-scale-passphrase-7319"
BROWSER = {"Accept-Encoding": "br, gzip"}
HANZI = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
TARGETS_MS = {"item page": None, "moderation queue": 300, "staff dashboard": 200, "progress page": 200}


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(n))


def _timed(client, path: str, rounds: int) -> dict:
    client.get(path, headers=BROWSER)  # warm-up: templates compiled, caches filled
    wall, cpu, size, status = [], [], 0, 0
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        response = client.get(path, headers=BROWSER)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        size, status = len(response.data), response.status_code
    assert status == 200, f"{path}: {status}"
    return {"median_ms": round(statistics.median(wall), 1), "max_ms": round(max(wall), 1),
            "cpu_median_ms": round(statistics.median(cpu), 1), "bytes": size, "status": status}


def _make_app(workdir: Path, name: str):
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / f'{name}.db'}", "SECRET_KEY": "bench",
                      "SEARCH_INDEX": str(workdir / f"index-{name}"),
                      "PORTAL_TODAY": "2023-10-15", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def _fill(app, factor: int, rng: random.Random) -> dict:
    from sqlalchemy import insert, select

    from bench.search_latency import synthetic_store
    from portal.extensions import db
    from portal.config import FIRST_PLAN
    from portal.models import Feedback, ProjectSite, SiteStageUpdate, StatusUpdate
    from portal.services.content import content, sync_items

    with app.app_context():
        store = content()
        if factor > 1:
            big = synthetic_store(store, 30 * factor - 1, rng)
            # The real lift item stays, so the same page is compared at every size.
            items = [store.item("2.3"), *big.items]
            # Areas list the synthetic work points too, as the dashboard counts by area.
            sections = [dataclasses.replace(sec, items=[i for i in items if i.section.number == sec.number])
                        for sec in store.sections]
            store = dataclasses.replace(big, items=items, sections=sections)
            app.extensions["portal_content"] = store
        sync_items(store)
        codes = [i.code for i in store.items]
        start = datetime(2023, 7, 1, 8)

        def pick(n: int) -> str:
            return "2.3" if n % 10 == 0 else rng.choice(codes)

        rows = []
        for n in range(1000 * factor + 100 * factor):
            published = n < 1000 * factor
            body = _text(rng, rng.randint(30, 150))
            rows.append({"tracking_code": f"ZJ-S{n:08d}", "plan": FIRST_PLAN, "item_code": pick(n), "kind": "question", "body": body,
                         "body_public": body, "lang": "zh", "state": "published" if published else "pending",
                         "flag_count": 0, "show_full_name": False, "created_at": start + timedelta(minutes=n),
                         "reply_body": _text(rng, 60) if published and n % 7 == 0 else None})
        db.session.execute(insert(Feedback), rows)
        db.session.execute(insert(StatusUpdate), [
            {"plan": FIRST_PLAN, "item_code": pick(n), "status": "in_progress", "note_zh": _text(rng, 50),
             "happened_on": date(2023, 7, 1) + timedelta(days=n % 90), "created_at": start + timedelta(hours=n)}
            for n in range(20 * factor)])
        db.session.execute(insert(ProjectSite), [
            {"plan": FIRST_PLAN, "item_code": pick(n), "name_zh": f"小区{n}号楼", "stage": rng.choice(["consultation", "construction", "completed"]),
             "created_at": start} for n in range(100 * factor)])
        site_ids = list(db.session.scalars(select(ProjectSite.id)))
        db.session.execute(insert(SiteStageUpdate), [
            {"site_id": sid, "stage": "consultation", "happened_on": date(2023, 8, 1), "created_at": start}
            for sid in site_ids])
        db.session.commit()
        return {"items": len(codes), "comments": 1000 * factor, "pending": 100 * factor, "sites": 100 * factor,
                "updates": 20 * factor}


def _staff_client(app):
    from portal.services import auth

    with app.app_context():
        auth.create_staff("bench-admin", PASSWORD, "admin")
    client = app.test_client()
    page = client.get("/staff/login").data.decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post("/staff/login", data={"username": "bench-admin", "password": PASSWORD,
                                                 "csrf_token": token.group(1) or token.group(2)})
    assert response.status_code == 302, f"bench login failed: {response.status_code}"
    return client


def _csv_cost(client) -> dict:
    """Time without tracing (tracemalloc slows every allocation), then the peak memory in a second pass."""
    w = time.perf_counter()
    response = client.get("/staff/feedback.csv", buffered=False)
    rows = sum(chunk.count(b"\r\n") for chunk in response.response) - 1
    wall = (time.perf_counter() - w) * 1000
    tracemalloc.start()
    for _chunk in client.get("/staff/feedback.csv", buffered=False).response:
        pass
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"median_ms": round(wall, 1), "rows": rows, "peak_mb": round(peak / 2**20, 1), "status": response.status_code}


def measure(factor: int, rounds: int, workdir: Path) -> dict:
    rng = random.Random(factor)
    app = _make_app(workdir, f"x{factor}")
    sizes = _fill(app, factor, rng)
    public, staff = app.test_client(), _staff_client(app)
    result = {"factor": factor, "data": sizes, "pages": {
        "item page": _timed(public, "/zh/plans/2023-city-management/items/2.3", rounds),
        "progress page": _timed(public, "/zh/plans/2023-city-management/progress", rounds),
        "staff dashboard": _timed(staff, "/staff/", rounds),
        "moderation queue": _timed(staff, "/staff/moderation", rounds),
    }}
    result["pages"]["comments CSV"] = _csv_cost(staff)
    return result


def item_page_growth(rounds: int, workdir: Path) -> dict:
    """The lift item's page with no comments or updates, and with 1,000 varied comments and 200 updates."""
    sys.path.insert(0, str(ROOT / "tests"))
    from scale_support import grow

    empty, full = _make_app(workdir, "empty"), _make_app(workdir, "full")
    for app in (empty, full):
        from portal.services.content import content, sync_items

        with app.app_context():
            sync_items(content())
    grow(full, comments=1000, updates=200)
    return {"none": _timed(empty.test_client(), "/zh/plans/2023-city-management/items/2.3", rounds),
            "1,000 comments, 200 updates": _timed(full.test_client(), "/zh/plans/2023-city-management/items/2.3", rounds)}


def write_report(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = ["# How costs grow with the data", "",
             f"`python -m bench scale` on {result['date']}, commit {result['commit']}, {result['rounds']} timed requests a page "
             "(median wall ms, CPU ms in brackets; bytes as a phone receives them, brotli). SQLite, page cache off, "
             f"shared 2-core machine, load average {result['load_before']} at the start and {result['load_after']} at the end "
             "(wall time is inflated by other work on the machine; CPU time is the request's own cost).", "",
             "| data | " + " | ".join(f"{r['factor']}×" for r in result["factors"]) + " |",
             "| --- | " + " | ".join("---:" for _ in result["factors"]) + " |"]
    for key in ("items", "comments", "pending", "sites", "updates"):
        lines.append(f"| {key} | " + " | ".join(f"{r['data'][key]:,}" for r in result["factors"]) + " |")
    lines += ["", "| page | " + " | ".join(f"{r['factor']}×" for r in result["factors"]) + " | target |",
              "| --- | " + " | ".join("---:" for _ in result["factors"]) + " | ---: |"]
    for page in ("item page", "progress page", "staff dashboard", "moderation queue"):
        cells = [f"{r['pages'][page]['median_ms']} ({r['pages'][page]['cpu_median_ms']}) · {r['pages'][page]['bytes']:,} B"
                 for r in result["factors"]]
        target = TARGETS_MS.get(page)
        lines.append(f"| {page} | " + " | ".join(cells) + f" | {f'≤ {target} ms' if target else 'flat'} |")
    cells = [f"{r['pages']['comments CSV']['median_ms']} ms · {r['pages']['comments CSV']['rows']:,} rows · "
             f"peak {r['pages']['comments CSV']['peak_mb']} MB" for r in result["factors"]]
    lines.append("| comments CSV (streamed) | " + " | ".join(cells) + " | constant memory |")
    growth = result["item_page_growth"]
    none, full = growth["none"], growth["1,000 comments, 200 updates"]
    lines += ["", "Item page 2.3 alone (target: at most 2× the empty page, at most 50 KB):", "",
              "| item 2.3 | median ms (CPU) | bytes (br) |", "| --- | ---: | ---: |",
              f"| no comments, no updates | {none['median_ms']} ({none['cpu_median_ms']}) | {none['bytes']:,} |",
              f"| 1,000 comments, 200 updates | {full['median_ms']} ({full['cpu_median_ms']}) | {full['bytes']:,} |",
              f"| ratio | {full['median_ms'] / none['median_ms']:.2f}× | |", ""]
    (RESULTS / "scale.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(ROOT))
    from bench._commit import head_commit

    commit = head_commit()
    result = {"date": time.strftime("%Y-%m-%d"), "commit": commit, "rounds": args.rounds, "factors": [],
              "load_before": round(os.getloadavg()[0], 1)}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for factor in args.factors:
            w = time.perf_counter()
            r = measure(factor, args.rounds, Path(tmp))
            result["factors"].append(r)
            print(f"{factor}x ({time.perf_counter() - w:.0f} s): " + "; ".join(
                f"{k} {v['median_ms']} ms" for k, v in r["pages"].items()), flush=True)
        result["item_page_growth"] = item_page_growth(args.rounds, Path(tmp))
        print("item page growth:", {k: v["median_ms"] for k, v in result["item_page_growth"].items()})
    result["load_after"] = round(os.getloadavg()[0], 1)
    write_report(result)
    return 0
