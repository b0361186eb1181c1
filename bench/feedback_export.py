"""The staff comments download (/staff/feedback.xlsx): peak memory of one download of N comments.

    python -m bench feedback_export                  # 30,000 comments
    python -m bench feedback_export --comments 5000

A temporary SQLite database gets N comments (bench data only: Chinese text of about 60 characters, a
phone number, a reply on every third). Each mode then runs in a fresh process: log in as a moderator,
download once with an office filter (imports and first-use caches), note the RSS, download every
comment through the route as a WSGI server would (the answer's chunks read and dropped) while a thread
samples the RSS every 5 ms; growth = the highest sample minus the RSS before. Then once more under
tracemalloc, for the peak of Python allocations (the RSS misses memory malloc reuses). Modes:
  file    the route as it is: the workbook saved to a temporary file and sent from it;
  memory  the route before: the workbook saved into a BytesIO and taken as one bytes object (what the
          old route sent), in the child only (xlsx_files.table_file replaced; the bytes then go to a
          temporary file only so the new route can send them, after the peak).
Results: bench/results/feedback_export.md.
"""
from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

from ._staff_portal import PASSWORD, loaded_portal

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _config(tmp: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SEARCH_INDEX": f"{tmp}/index",
            "SECRET_KEY": "bench", "PORTAL_TODAY": "2023-12-20"}


def _fill(tmp: str, comments: int) -> None:
    os.environ["PORTAL_INSTANCE_DIR"] = str(Path(tmp) / "instance")
    from portal import create_app
    from portal.extensions import db
    from portal.models import Feedback

    app = create_app(_config(tmp))
    with app.app_context():
        store, codes = loaded_portal("moderator")
        start = datetime(2023, 9, 1)
        rows = [{"tracking_code": f"B{n:09d}", "plan": store.plan.slug, "item_code": codes[n % len(codes)],
                 "kind": "suggestion", "state": "published" if n % 2 else "pending",
                 "body": f"第{n}号留言：张江镇三号楼加装电梯的进度怎么样了？施工噪音很大，希望晚上不要施工，谢谢。联系 1381234{n % 10000:04d}。",
                 "body_public": f"第{n}号留言：张江镇三号楼加装电梯的进度怎么样了？施工噪音很大，希望晚上不要施工，谢谢。",
                 "display_name": "张三", "contact": f"1381234{n % 10000:04d}", "lang": "zh",
                 "reply_body": "已安排施工队，晚上十点后停工。" if n % 3 == 0 else None,
                 "created_at": start + timedelta(minutes=n), "flag_count": 0} for n in range(comments)]
        db.session.execute(Feedback.__table__.insert(), rows)
        db.session.commit()


def _measure(tmp: str, mode: str) -> dict:
    """In a fresh process (see main): peak RSS before and after one download of every comment."""
    os.environ["PORTAL_INSTANCE_DIR"] = str(Path(tmp) / "instance")
    from portal import create_app, xlsx_files

    if mode == "memory":
        def in_memory(title, header, rows, widths=()):
            out = io.BytesIO()
            xlsx_files._write_table(out, title, header, rows, widths)
            data = out.getvalue()  # the old route's peak: the BytesIO and its bytes copy, both whole
            sent = tempfile.TemporaryFile()  # only so the new route can send it; the peak is already reached
            sent.write(data)
            sent.seek(0)
            return sent

        xlsx_files.table_file = in_memory
    app = create_app(_config(tmp))
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page)
    client.post("/staff/login", data={"username": "bench", "password": PASSWORD,
                                      "csrf_token": token.group(1) or token.group(2)})
    with app.app_context():
        from portal.services.content import content

        office = content().items[0].offices[0].slug
    warm = client.get(f"/staff/feedback.xlsx?office={office}")
    assert warm.status_code == 200, warm.status_code
    gc.collect()
    before = _rss_mb()
    peak = [before]
    done = threading.Event()

    def sample():  # the process's peak (ru_maxrss) was set by start-up already: watch the current RSS
        while not done.wait(0.005):
            peak[0] = max(peak[0], _rss_mb())

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    started = time.perf_counter()
    r = client.get("/staff/feedback.xlsx", buffered=False)
    assert r.status_code == 200, r.status_code
    size = 0
    for chunk in r.response:  # as a WSGI server sends it
        size += len(chunk)
    r.close()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    # The RSS misses what malloc takes from memory it already held; tracemalloc counts every Python
    # allocation (a second download, slower under tracing, not timed).
    tracemalloc.start()
    r = client.get("/staff/feedback.xlsx", buffered=False)
    for _ in r.response:
        pass
    r.close()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"mode": mode, "rss_before_mb": before, "rss_peak_mb": peak[0], "growth_mb": peak[0] - before,
            "traced_peak_mb": traced_peak / 2**20, "file_mb": size / 1e6, "seconds": seconds}


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench feedback_export")
    parser.add_argument("--comments", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("TMP", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(*args.child)))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        subprocess.run([sys.executable, "-c", f"import bench.feedback_export as b; b._fill({tmp!r}, {args.comments})"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(args.rounds):
            for mode in ("memory", "file"):
                out = subprocess.run([sys.executable, "-m", "bench", "feedback_export", "--child", tmp, mode],
                                     cwd=ROOT, capture_output=True, text=True)
                if out.returncode:
                    sys.stderr.write(out.stderr[-3000:])
                    return out.returncode
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(results[-1], flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [f"# /staff/feedback.xlsx, {args.comments:,} comments", "",
             f"{time.strftime('%Y-%m-%d %H:%M')} UTC, commit {commit}, load average {os.getloadavg()[0]:.1f} "
             "(2 cores, shared). `python -m bench feedback_export`.", "",
             "| mode | RSS before (MiB) | RSS peak (MiB) | growth (MiB) | tracemalloc peak (MiB) | file (MB) | seconds |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['mode']} | {r['rss_before_mb']:.1f} | {r['rss_peak_mb']:.1f} | {r['growth_mb']:.1f} | "
              f"{r['traced_peak_mb']:.1f} | {r['file_mb']:.2f} | {r['seconds']:.1f} |" for r in results]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "feedback_export.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0
