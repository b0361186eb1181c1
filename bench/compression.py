"""What compressing a page costs inside the serving app, for each algorithm and level Flask-Compress offers.

    python -m bench compression                  # 1,000 pages a setting, 3 rounds
    python -m bench compression -n 300 --rounds 2

The portal is set up as for `python -m bench profile` (bench/profile_pages.py) and pages are fetched
in-process with Flask's test client, as a browser asks for them (`Accept-Encoding` with zstd, so every
setting is offered). For each setting the time spent in Flask-Compress's `_compress_data` is measured
inside those requests, settings in turn in every round so the machine's load falls on all of them alike,
and the same pages' bytes are also compressed in a tight loop. The two differ: between rendering
pages, the compressor's tables and code are no longer in the CPU's caches, so a loop measures less than
a page pays (portal/compression.py chose brotli 1 from such figures).
Results: bench/results/compression.json and bench/results/compression.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ._commit import head_commit
from .profile_pages import NEW_WORDS, make_app, page_paths

RESULTS = Path(__file__).resolve().parent / "results"
ACCEPT = "gzip, deflate, br, zstd"
SETTINGS = [("br", 0), ("br", 1), ("br", 3), ("gzip", 1), ("gzip", 6), ("zstd", 1), ("zstd", 3)]
LEVEL_KEYS = {"br": "COMPRESS_BR_LEVEL", "gzip": "COMPRESS_LEVEL", "zstd": "COMPRESS_ZSTD_LEVEL"}
PAGES = [NEW_WORDS, "item", "home"]


class Timer:
    """Wraps Flask-Compress's one compressing function: time and bytes out, per call."""

    def __init__(self, original):
        self.original = original
        self.reset()

    def __call__(self, app, data: bytes, algorithm: str) -> bytes:
        started = time.perf_counter()
        out = self.original(app, data, algorithm)
        self.seconds += time.perf_counter() - started
        self.calls += 1
        self.bytes_out += len(out)
        return out

    def reset(self) -> None:
        self.seconds, self.calls, self.bytes_out = 0.0, 0, 0


def use(app, compress, algorithm: str, level: int) -> None:
    from flask_compress.flask_compress import _format

    compress.enabled_algorithms = _format([algorithm])
    app.config[LEVEL_KEYS[algorithm]] = level


def in_a_loop(app, samples: list[bytes], algorithm: str, n: int) -> float:
    from flask_compress.flask_compress import _compress_data

    started = time.perf_counter()
    for _ in range(n):
        for data in samples:
            _compress_data(app, data, algorithm)
    return (time.perf_counter() - started) / (n * len(samples)) * 1e6


def measure(app, client, timer: Timer, page: str, n: int, rounds: int) -> dict:
    compress = app.extensions["compress"]

    paths = page_paths(page, n * rounds * len(SETTINGS) + 20)

    def fetch(batch: list[str]) -> None:
        for path in batch:
            client.get(path, headers={"Accept-Encoding": ACCEPT}).close()

    fetch(paths[:20])
    runs: dict[str, list[dict]] = {f"{a} {lvl}": [] for a, lvl in SETTINGS}
    at = 20
    for _ in range(rounds):
        for algorithm, level in SETTINGS:
            use(app, compress, algorithm, level)
            timer.reset()
            started = time.perf_counter()
            fetch(paths[at:at + n])
            page_us = (time.perf_counter() - started) / n * 1e6
            at += n
            if timer.calls != n:
                raise SystemExit(f"{page}: {timer.calls} of {n} responses were compressed with {algorithm}")
            runs[f"{algorithm} {level}"].append({"in_app_us": timer.seconds / n * 1e6, "bytes": timer.bytes_out / n,
                                                 "page_us": page_us})
    samples = [client.get(p, headers={"Accept-Encoding": "identity"}).get_data() for p in paths[:20]]
    rows = {}
    for algorithm, level in SETTINGS:
        use(app, compress, algorithm, level)
        got = runs[f"{algorithm} {level}"]
        rows[f"{algorithm} {level}"] = {
            "in_app_us": round(statistics.median(r["in_app_us"] for r in got), 1),
            "in_app_rounds": [round(r["in_app_us"], 1) for r in got],
            "in_a_loop_us": round(in_a_loop(app, samples, algorithm, 100), 1),
            "bytes": round(statistics.median(r["bytes"] for r in got)),
            "page_us": round(statistics.median(r["page_us"] for r in got)),
        }
    return {"uncompressed_bytes": round(statistics.mean(len(s) for s in samples)), "settings": rows}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench compression", description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="pages a setting in each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-compression-"))
    try:
        app = make_app(work)
        import flask_compress.flask_compress as flask_compress

        timer = Timer(flask_compress._compress_data)
        flask_compress._compress_data = timer
        try:
            pages = {page: measure(app, app.test_client(), timer, page, args.n, args.rounds) for page in PAGES}
        finally:
            flask_compress._compress_data = timer.original
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "commit": head_commit(),
              "command": "python -m bench compression " + " ".join(argv), "pages_a_setting": args.n,
              "rounds": args.rounds, "load_avg_1m": round(os.getloadavg()[0], 2), "pages": pages}
    report = markdown(result)
    print(report)
    if not args.no_write:
        (RESULTS / "compression.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        (RESULTS / "compression.md").write_text(report)
    return 0


def markdown(result: dict) -> str:
    lines = [
        "# What compressing a page costs inside the app",
        "",
        f"Written by `python -m bench compression` (bench/compression.py); do not edit by hand. "
        f"`{result['command'].strip()}` at commit `{result['commit']}`, {result['when']}, "
        f"{result['pages_a_setting']} pages a setting in each of {result['rounds']} rounds (settings in turn), "
        f"1-minute load average at the end {result['load_avg_1m']}. In-process, Flask's test client; "
        "\"in the app\" is the median round's time in Flask-Compress's compressing call within those requests, "
        "\"in a loop\" the same pages' bytes (20 of them) compressed 100 times over, one after another.",
        "",
    ]
    for page, found in result["pages"].items():
        lines += [f"## {page} ({found['uncompressed_bytes']:,} bytes uncompressed, mean)", "",
                  "| setting | in the app, µs (rounds) | in a loop, µs | bytes sent | whole request, µs |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for name, row in found["settings"].items():
            rounds = ", ".join(f"{x:.1f}" for x in row["in_app_rounds"])
            lines.append(f"| {name} | {row['in_app_us']:.1f} ({rounds}) | {row['in_a_loop_us']:.1f} | "
                         f"{row['bytes']:,} | {row['page_us']:,} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
