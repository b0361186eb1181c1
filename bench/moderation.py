"""Back-office speed: the moderation queue page, bulk decisions and the CSV export.

    python -m bench moderation                 # 2,000 comments, 100 on the queue page, 50 in a bulk approval
    python -m bench moderation --comments 500 --rounds 10

Everything runs in a temporary directory (own SQLite database and search index) through the test
client, so what is timed is the route with its queries, templates and, for decisions, the audit log
and search re-index. Wall and CPU milliseconds are both kept: the machine is shared.
Results: bench/results/moderation.json and bench/results/moderation.md.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ._staff_portal import PASSWORD, loaded_portal

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SENTENCES = ["三号楼加装电梯什么时候开工？", "楼道里的电动自行车太多了，希望尽快建充电棚。", "路灯坏了很久，请安排维修。",
             "Please add a bench near the lift.", "垃圾分类点的气味很大，夏天尤其明显。", "感谢社区及时清理了河道。"]


def _timed(fn, rounds: int) -> dict:
    wall, cpu = [], []
    for _ in range(rounds):
        w, c = time.perf_counter_ns(), time.process_time_ns()
        fn()
        wall.append((time.perf_counter_ns() - w) / 1e6)
        cpu.append((time.process_time_ns() - c) / 1e6)
    wall.sort()
    return {"n": rounds, "median_ms": round(statistics.median(wall), 1), "max_ms": round(wall[-1], 1),
            "cpu_median_ms": round(statistics.median(sorted(cpu)), 1)}


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', html)
    return m.group(1) or m.group(2)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench moderation")
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--bulk", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(ROOT))
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="bench-moderation-") as tmp:
        os.environ["PORTAL_INSTANCE_DIR"] = str(Path(tmp) / "instance")
        from portal import create_app
        from portal.extensions import db
        from portal.models import Feedback
        from portal.search.index import build
        from portal.services import feedback

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SEARCH_INDEX": f"{tmp}/index",
                          "SECRET_KEY": "bench", "FEEDBACK_RATE_LIMIT": 10 ** 9})
        with app.app_context():
            store, codes = loaded_portal("moderator")
            for n in range(args.comments):
                feedback.submit(rng.choice(codes), body=f"{rng.choice(SENTENCES)} 第{n}条，电话 1381234{n % 10000:04d}。",
                                kind=rng.choice(list(feedback.KINDS)), ip=f"10.0.{n // 250}.{n % 250}", lang="zh",
                                contact=f"1390000{n % 10000:04d}", display_name="张三丰")
            build()
            office = store.offices[0].slug

        client = app.test_client()
        page = client.get("/staff/login").get_data(as_text=True)
        client.post("/staff/login", data={"username": "bench", "password": PASSWORD, "csrf_token": _csrf(page)})
        token = _csrf(client.get("/staff/").get_data(as_text=True))

        def queue_page():
            assert client.get("/staff/moderation").status_code == 200

        def csv_all():
            assert client.get("/staff/feedback.csv").status_code == 200

        def csv_office():
            assert client.get(f"/staff/feedback.csv?office={office}").status_code == 200

        results = {"comments": args.comments, "queue_page_size": feedback.PAGE_SIZE}
        queue_page()  # warm-up: template compilation is not what moderators wait for
        results["queue_page"] = _timed(queue_page, args.rounds)
        results["csv_all"] = _timed(csv_all, max(3, args.rounds // 4))
        results["csv_one_office"] = _timed(csv_office, max(3, args.rounds // 4))
        with app.app_context():
            ids = list(db.session.scalars(db.select(Feedback.id).where(Feedback.state == "pending")
                                          .order_by(Feedback.id).limit(args.bulk)))
        started = time.perf_counter()
        r = client.post("/staff/moderation", data={"csrf_token": token, "ids": [str(i) for i in ids],
                                                   "action": "approve", "next": "/staff/moderation"})
        bulk_s = time.perf_counter() - started
        assert r.status_code == 302, r.status_code
        results["bulk_approve"] = {"comments": len(ids), "total_ms": round(bulk_s * 1000, 1),
                                   "per_comment_ms": round(bulk_s * 1000 / len(ids), 1)}
        csv_bytes = len(client.get("/staff/feedback.csv").data)
        results["csv_bytes"] = csv_bytes

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "moderation.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    q, ca, co, b = results["queue_page"], results["csv_all"], results["csv_one_office"], results["bulk_approve"]
    md = "\n".join([
        "# Back-office speed (python -m bench moderation)", "",
        f"{args.comments} comments in SQLite; the queue page shows {feedback.PAGE_SIZE}. Shared 2-core machine: "
        "wall times vary with others' load, CPU times less.", "",
        "| what | median ms | max ms | CPU median ms |", "| --- | ---: | ---: | ---: |",
        f"| GET /staff/moderation ({feedback.PAGE_SIZE} cards) | {q['median_ms']} | {q['max_ms']} | {q['cpu_median_ms']} |",
        f"| GET /staff/feedback.csv (all {args.comments}, {csv_bytes // 1024} KiB) | {ca['median_ms']} | {ca['max_ms']} | {ca['cpu_median_ms']} |",
        f"| GET /staff/feedback.csv?office=… | {co['median_ms']} | {co['max_ms']} | {co['cpu_median_ms']} |", "",
        f"Bulk approval of {b['comments']} comments (each audited and committed; each work point re-indexed once): "
        f"{b['total_ms']} ms, {b['per_comment_ms']} ms a comment.", "",
    ])
    (RESULTS / "moderation.md").write_text(md)
    print(md)
    return 0
