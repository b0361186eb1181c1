"""Where a loaded gunicorn worker spends its time: py-spy samples of every worker while wrk keeps 32
connections busy on one page.

    python -m bench worker                      # the rendered item page and new-word searches
    python -m bench worker --page search --seconds 20

The portal is set up as for `python -m bench web` (bench/web_load.py: the same database, content,
sample activity and gunicorn.conf.py). Only samples of threads holding the GIL count (`py-spy --gil`),
so the figures are where the CPU went in Python, not threads waiting for their turn; C code that lets
the GIL go (brotli, socket writes, SQLite) is not in them. cProfile (`python -m bench profile`) sees
one request in-process; this sees gunicorn, the hooks and the view together under load. A function's
share is the share of samples with it anywhere on the stack.
Results: bench/results/worker-profile.md. py-spy needs to attach to other processes (ptrace): as root
or with kernel.yama.ptrace_scope 0.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._commit import head_commit
from ._pages import ITEM, PLAN, ROOT
from .web_load import BROWSER_ENCODING, free_port, prepare_portal, search_script, start_gunicorn, stop, wait_for

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"item": f"/zh/{PLAN}/items/{ITEM}", "search": "/zh/search"}  # search: new words, by the wrk script
SITE_PACKAGES_RE = re.compile(r"\(/.*?site-packages/")
# Frames every sample has (the process, a thread's start): they say nothing about where time goes.
NOISE_RE = re.compile(r"^process \d+:|\(threading\.py:")


def record(target: str, seconds: int, work: Path, env: dict[str, str]) -> collections.Counter:
    """Inclusive sample counts by frame (and the total under the key None) for one target."""
    port = free_port()
    server = start_gunicorn("wsgi:app", env, port, work / f"gunicorn-{target}.log")
    load = None
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        extra = ["-s", str(search_script(work))] if target == "search" else []
        url = f"http://127.0.0.1:{port}{'/' if target == 'search' else TARGETS[target]}"
        load = subprocess.Popen(["wrk", "-t2", "-c32", f"-d{seconds + 5}s", "-H", f"Accept-Encoding: {BROWSER_ENCODING}",
                                 *extra, url], stdout=subprocess.DEVNULL)
        time.sleep(2)  # past the workers' first requests
        raw = work / f"{target}.txt"
        subprocess.run([shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy")), "record", "--gil",
                        "--subprocesses", "--nonblocking", "-p", str(server.pid), "-d", str(seconds), "-r", "200",
                        "-f", "raw", "-o", str(raw)], check=True, capture_output=True)
        load.wait()
    finally:
        if load is not None and load.poll() is None:
            load.kill()  # py-spy failed: no load without a server
        stop(server)
    return inclusive(raw.read_text())


def inclusive(collapsed: str) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        frames = {SITE_PACKAGES_RE.sub("(", f.replace(str(ROOT) + "/", "")) for f in stack.split(";")
                  if not NOISE_RE.search(f)}
        counts.update({frame: int(n) for frame in frames})
        counts[None] += int(n)
    return counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench worker", description=__doc__.split("\n")[0])
    parser.add_argument("--page", action="append", choices=list(TARGETS), help="only these (default: both)")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-worker-"))
    try:
        env = prepare_portal(work)
        tables = {page: record(page, args.seconds, work, env) for page in args.page or list(TARGETS)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = ["# Where a loaded gunicorn worker spends its time (py-spy)", "",
             "Written by `python -m bench worker` (bench/worker_profile.py); do not edit by hand. "
             f"`{' '.join(['python -m bench worker', *argv])}` at commit `{head_commit()}`, "
             f"{dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}, 1-minute load average "
             f"{os.getloadavg()[0]:.2f}. wrk -t2 -c32 on one page; samples of threads holding the GIL, 200 a "
             "second, from every worker; a function's share counts the samples with it anywhere on the stack.", ""]
    for page, counts in tables.items():
        total = counts.pop(None) or 1
        lines += [f"## {page} (`{TARGETS[page]}`{', a new two-word query each time' if page == 'search' else ''})",
                  "", f"{total} samples.", "", "| share | function (file:line) |", "| ---: | --- |"]
        lines += [f"| {n / total * 100:.1f}% | `{frame}` |" for frame, n in counts.most_common(args.top)]
        lines.append("")
    out = RESULTS / "worker-profile.md"
    out.write_text("\n".join(lines))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
