"""Where rendering a page spends its time: each page rendered N times in-process under cProfile.

    python -m bench profile                       # 200 renders a page, label "current"
    python -m bench profile --label before -n 300
    python -m bench profile --page item --top 30  # one page

The portal is set up as for `python -m bench web` (a temporary database with content, a status
update, a project site and comments on the measured work point, a built index), the page cache off,
and each page fetched with Flask's test client: WSGI, routing, templates, queries, compression, all
of it except gunicorn and the socket. "search (new words)" asks a different two-word query every
time (words of content/thesaurus.yaml and aliases.yaml), as residents do; it misses every cache.
The wall time per page is measured without the profiler, whose overhead inflates small calls; the
number of Python function calls a page makes (counted by cProfile) does not move with the machine's
load, so it compares runs made at different times.
Results: bench/results/profile.json (one entry per label) and bench/results/profile.md.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from ._commit import head_commit
from ._pages import PAGES, ROOT, fresh_queries

RESULTS = Path(__file__).resolve().parent / "results"
NEW_WORDS = "search (new words)"


def make_app(work: Path):
    from .web_load import prepare_portal

    env = prepare_portal(work)
    os.environ.update({k: v for k, v in env.items() if k.startswith("PORTAL_")})
    from portal import create_app

    return create_app()


def page_paths(name: str, n: int) -> list[str]:
    if name == NEW_WORDS:
        return ["/zh/search?q=" + quote(q) for q in fresh_queries(n)]
    return [PAGES[name]] * n


def get_all(client, paths: list[str]) -> None:
    for path in paths:
        response = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        response.close()


def top(profile: cProfile.Profile, key: str, count: int, calls: int) -> list[dict]:
    stats = pstats.Stats(profile, stream=io.StringIO())
    stats.sort_stats(key)
    rows = []
    for func in stats.fcn_list[:count]:  # set by sort_stats
        cc, nc, tt, ct, _ = stats.stats[func]
        filename, line, name = func
        where = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append({"function": f"{where}:{line}({name})", "calls_per_page": round(nc / calls, 1),
                     "own_ms_per_page": round(tt * 1000 / calls, 3), "cum_ms_per_page": round(ct * 1000 / calls, 3)})
    return rows


def measure(client, name: str, n: int, count: int) -> dict:
    get_all(client, page_paths(name, 5))  # warm-up: templates compiled, connections opened
    paths = page_paths(name, 2 * n)
    started = time.perf_counter()
    get_all(client, paths[:n])
    wall_ms = (time.perf_counter() - started) * 1000 / n
    profile = cProfile.Profile()
    profile.enable()
    get_all(client, paths[n:])
    profile.disable()
    path = paths[0] if name != NEW_WORDS else "/zh/search?q=<two new words>"
    calls = pstats.Stats(profile, stream=io.StringIO()).total_calls / n
    return {"path": path, "ms_per_page": round(wall_ms, 3), "calls_per_page": round(calls),
            "by_cumulative": top(profile, "cumulative", count, n), "by_own_time": top(profile, "tottime", count, n)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench profile", description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=200, help="renders per page (timed, then profiled)")
    parser.add_argument("--label", default="current", help="name of this run in profile.md (before, after…)")
    parser.add_argument("--page", action="append", choices=[*PAGES, NEW_WORDS], help="only these pages")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    try:
        app = make_app(work)
        client = app.test_client()
        pages = {}
        for name in args.page or [*PAGES, NEW_WORDS]:
            pages[name] = measure(client, name, args.n, args.top)
            print(f"{name:24s} {pages[name]['ms_per_page']:7.2f} ms a page, {pages[name]['calls_per_page']} "
                  "Python function calls", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.no_write:
        write(args, argv, pages)
    return 0


def write(args, argv: list[str], pages: dict) -> None:
    path = RESULTS / "profile.json"
    runs = json.loads(path.read_text()) if path.exists() else {}
    runs[args.label] = {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": head_commit(),
        "command": "python -m bench profile " + " ".join(argv), "renders": args.n,
        "load_avg_1m": round(os.getloadavg()[0], 2), "pages": {**runs.get(args.label, {}).get("pages", {}), **pages},
    }
    path.write_text(json.dumps(runs, indent=1, ensure_ascii=False) + "\n")
    from ._profile_report import write_markdown

    print(f"written: {path}, {write_markdown(runs)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
