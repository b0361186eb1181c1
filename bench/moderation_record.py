"""The public moderation record at scale: four grouped queries whatever the number of comments.

    python -m bench moderation_record                       # 1,000 and 50,000 comments over 24 months
    python -m bench moderation_record --sizes 1000 --rounds 5

Own SQLite database in a temporary directory; comments are inserted in bulk with random states,
reasons, replies and decision times. Timed: record() (the four queries) and GET /en/moderation
through the test client (page cache off). Results: bench/results/moderation-record.md.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _rows(n: int, rng: random.Random) -> list[dict]:
    from portal.config import FIRST_PLAN
    from portal.services.moderation_record import REASONS

    start, rows = datetime(2023, 7, 1), []
    for i in range(n):
        at = start + timedelta(minutes=rng.randrange(24 * 30 * 24 * 60))
        state = rng.choices(["published", "rejected", "hidden", "pending"], [70, 15, 5, 10])[0]
        rows.append({"tracking_code": f"ZJ-B{i:07d}", "plan": FIRST_PLAN, "item_code": "2.3", "kind": "question", "body": "b",
                     "body_public": "b", "lang": "zh", "state": state, "created_at": at, "flag_count": 0,
                     "show_full_name": False,
                     "reason_code": rng.choice(list(REASONS)) if state in ("rejected", "hidden") else None,
                     "moderated_at": None if state == "pending" else at + timedelta(hours=rng.expovariate(1 / 20)),
                     "reply_body": "r" if state == "published" and rng.random() < 0.4 else None})
    return rows


def _time(fn, rounds: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return round(statistics.median(wall), 1), round(statistics.median(cpu), 1)


def _measure(tmp: Path, n: int, rounds: int, rng: random.Random) -> dict:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.models import Feedback
    from portal.services.content import content, sync_items
    from portal.services.moderation_record import record

    os.environ["PORTAL_INSTANCE_DIR"] = str(tmp / f"inst{n}")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / f'b{n}.db'}",
                      "SEARCH_INDEX": str(tmp / f"idx{n}"), "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sync_items(content())
        db.session.execute(db.insert(Feedback), _rows(n, rng))
        db.session.commit()
        months = len(record())
        service = _time(record, rounds)
    client = app.test_client()
    page = _time(lambda: client.get("/en/moderation"), rounds)
    return {"n": n, "months": months, "service": service, "page": page}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench moderation_record")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50000])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(ROOT))
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="bench-modrecord-") as tmp:
        results = [_measure(Path(tmp), n, args.rounds, rng) for n in args.sizes]
    load = os.getloadavg()[0]
    lines = ["# Public moderation record at scale (python -m bench moderation_record)", "",
             f"SQLite, comments spread over 24 months; median of {args.rounds} rounds; load average "
             f"{load:.1f} on the shared 2-core machine at the end.", "",
             "| comments | months | record(): wall / CPU ms | GET /en/moderation: wall / CPU ms |",
             "| ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['n']:,} | {r['months']} | {r['service'][0]} / {r['service'][1]} | {r['page'][0]} / {r['page'][1]} |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "moderation-record.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0
