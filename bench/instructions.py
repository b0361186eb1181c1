"""Instructions a request costs, counted by valgrind's callgrind: a figure the machine's load cannot move.

    python -m bench instructions                      # item and new-word search, 200 requests each
    python -m bench instructions --against 20a9b0f    # the same pages at another commit too, side by side
    python -m bench instructions --pages item home -n 100

Requests per second on this shared 2-core machine move by a third from one round to the next, so a
change worth 5% cannot be seen in them. The number of machine instructions a request executes barely
moves: each page is requested in-process as `python -m bench profile` does (WSGI, routing, templates,
queries, compression; no gunicorn, no socket), under callgrind with instrumentation switched on only for
the measured requests (after set-up, gc.freeze() as gunicorn.conf.py does, and 200 warm-up requests;
the process ends with os._exit, so the interpreter's shutdown is not counted). Instructions are not time (brotli's tight
loops run more of them a nanosecond than Python does), so they compare versions of one page, not pages
with each other. Needs Debian's `valgrind`; about a minute a page.
Results: bench/results/instructions.json and bench/results/instructions.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ._commit import head_commit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
CHILD = Path(__file__).resolve().parent / "_instructions_child.py"
DEFAULT_PAGES = ["item", "search (new words)"]


def count(repo: Path, page: str, n: int, seed: int) -> int:
    """Instructions per request of `page` in the checkout at `repo`, under hash seed `seed`."""
    work = Path(tempfile.mkdtemp(prefix="callgrind-"))
    out, go = work / "callgrind.out", work / "go"
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                             sys.executable, str(CHILD), page, str(n), str(go)],
                            cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONHASHSEED": str(seed)})
    try:
        for line in proc.stdout:
            if line.startswith("ready "):
                subprocess.run(["callgrind_control", "--instr=on", line.split()[1]], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                go.touch()
        if proc.wait() != 0:
            raise RuntimeError(f"{page} at {repo}: the measured process failed")
        totals = re.search(r"^(?:summary|totals):\s+(\d+)", out.read_text(), re.M)
        return int(totals[1]) // n
    finally:
        shutil.rmtree(work, ignore_errors=True)


def checkout(rev: str) -> Path:
    """A temporary worktree at `rev`, with its translations compiled (the app reads the .mo files)."""
    path = Path(tempfile.mkdtemp(prefix="bench-rev-")) / "repo"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", "translations", "-f"],
                   cwd=path, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench instructions")
    parser.add_argument("--pages", nargs="+", default=DEFAULT_PAGES)
    parser.add_argument("-n", type=int, default=200, help="measured requests a page")
    parser.add_argument("--against", help="also measure this commit (a temporary git worktree)")
    # The hash seed orders sets and dicts of strings, and so some of the work: one seed against another
    # moved a page's count by up to 3%, more than many a change. Both commits run under the same seeds.
    parser.add_argument("--seeds", type=int, default=3, help="hash seeds 0..N-1, the mean reported")
    args = parser.parse_args(argv)
    if not shutil.which("valgrind"):
        print("bench instructions: needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    repos = {"current": ROOT}
    if args.against:
        repos[args.against] = checkout(args.against)
    try:
        rows = {}
        for page in args.pages:
            rows[page] = {name: round(sum(count(repo, page, args.n, seed) for seed in range(args.seeds)) / args.seeds)
                          for name, repo in repos.items()}
            print(page, " ".join(f"{name}: {value:,}" for name, value in rows[page].items()), flush=True)
    finally:
        if args.against:
            subprocess.run(["git", "worktree", "remove", "--force", str(repos[args.against])], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    record = {"date": dt.date.today().isoformat(), "commit": head_commit(),
              "against": args.against, "requests_per_page": args.n, "hash_seeds": args.seeds, "instructions_per_request": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "instructions.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    names = list(repos)
    lines = [f"# Instructions per request ({record['date']}, commit {record['commit']})", "",
             f"`python -m bench instructions{' --against ' + args.against if args.against else ''}`: "
             f"{args.n} requests a page in-process under callgrind, after 200 warm-up requests (the loaded "
             f"portal frozen for the collector, as gunicorn.conf.py does; the interpreter's shutdown not counted); "
             f"the mean of hash seeds 0 to {args.seeds - 1}.", "",
             "| page | " + " | ".join(names) + (" | change |" if len(names) == 2 else ""),
             "| --- | " + " | ".join("---:" for _ in names) + (" | ---: |" if len(names) == 2 else "")]
    for page, values in rows.items():
        cells = " | ".join(f"{values[name]:,}" for name in names)
        change = f" | {(values['current'] / values[names[1]] - 1) * 100:+.1f}% |" if len(names) == 2 else ""
        lines.append(f"| {page} | {cells}{change}")
    (RESULTS / "instructions.md").write_text("\n".join(lines) + "\n")
    print(f"written: {RESULTS / 'instructions.json'}, {RESULTS / 'instructions.md'}")
    return 0
