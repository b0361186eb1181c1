"""Lighthouse (npm, Debian chromium, mobile) on the home, item, search and feedback pages.

    python -m bench lighthouse                 # 3 runs a page, median performance run kept
    python -m bench lighthouse --runs 1

The site is served as in production: gunicorn with gunicorn.conf.py over a temporary database and
index (the same preparation as `python -m bench web`), on a random loopback port. Lighthouse
12.2.3 comes from bench/node/ (`npm ci` there on first use; CI never installs it) and drives
/usr/bin/chromium headless with its default mobile emulation: a mid-range phone, simulated slow 4G
and a 4× slower CPU. Scores for performance, accessibility, best practices and SEO; target ≥ 95.
Results: bench/results/lighthouse.json and bench/results/web.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ._commit import head_commit
from .web_load import free_port, prepare_portal, start_gunicorn, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = Path(__file__).resolve().parent / "node"
LIGHTHOUSE = NODE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run --disable-quic")


def pages(tracking: str) -> dict[str, tuple[str, bool]]:
    """name -> (path, kept out of search engines on purpose). SEO does not apply to the latter:
    search results are an endless space of pages and a tracking page belongs to one resident."""
    return {
        "home": ("/zh/", False),
        "item": ("/zh/plans/2023-city-management/items/2.3", False),
        "search": ("/zh/search", False),
        "search results": ("/zh/search?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF", True),
        "feedback look-up": ("/zh/feedback/", False),
        "feedback tracking": (f"/zh/feedback/{tracking}", True),
        "home (English)": ("/en/", False),
        "item (English)": ("/en/plans/2023-city-management/items/2.3", False),
    }


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)


def run_lighthouse(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
                   env=env, check=True, timeout=240)
    report = json.loads(out.read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = sorted({a["id"] for c in CATEGORIES for ref in report["categories"][c]["auditRefs"]
                     if ref["weight"] > 0 for a in [report["audits"][ref["id"]]]
                     if a.get("score") is not None and a["score"] < 1})
    metrics = {k: round(report["audits"][k]["numericValue"]) for k in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index")}
    metrics["cumulative-layout-shift"] = round(report["audits"]["cumulative-layout-shift"]["numericValue"], 3)
    return {"scores": scores, "not_full_marks": failed, "metrics_ms": metrics,
            "lighthouse": report["lighthouseVersion"], "chromium": report["environment"]["hostUserAgent"]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench lighthouse", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print("bench lighthouse: /usr/bin/chromium is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    ensure_lighthouse()

    work = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    server = None
    results: dict[str, dict] = {}
    try:
        print("preparing a temporary database and index…", flush=True)
        env = prepare_portal(work)
        port = free_port()
        server = start_gunicorn("wsgi:app", env, port, work / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        for name, (path, noindex) in pages((work / "tracking.txt").read_text().strip()).items():
            runs = [run_lighthouse(base + path, work / f"lh-{i}.json") for i in range(args.runs)]
            median = sorted(runs, key=lambda r: r["scores"]["performance"])[len(runs) // 2]
            if noindex != ("is-crawlable" in median["not_full_marks"]):
                raise RuntimeError(f"{path}: expected noindex={noindex}, Lighthouse says otherwise")
            results[name] = {"path": path, "noindex": noindex, **median,
                             "runs": [r["scores"] for r in runs],
                             "lowest": {c: min(r["scores"][c] for r in runs) for c in CATEGORIES}}
            print(f"{name:22s} {median['scores']}  runs: {[r['scores']['performance'] for r in runs]}  "
                  f"below 100: {median['not_full_marks']}", flush=True)
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(work, ignore_errors=True)

    first = next(iter(results.values()))
    met = all(p["scores"][c] >= TARGET for p in results.values() for c in CATEGORIES
              if not (c == "seo" and p["noindex"]))
    report = {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": head_commit(),
        "command": "python -m bench lighthouse " + " ".join(argv),
        "lighthouse": first["lighthouse"], "chromium": first["chromium"].split(") ")[-1],
        "runs": args.runs, "target": TARGET, "categories": CATEGORIES,
        "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
        "pages": {name: {k: v for k, v in p.items() if k not in ("lighthouse", "chromium")}
                  for name, p in results.items()},
        "met": met,
        "median_performance": statistics.median(p["scores"]["performance"] for p in results.values()),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    from ._web_report import write_markdown

    write_markdown()
    print(f"written: {RESULTS / 'lighthouse.json'}, {RESULTS / 'web.md'}; all ≥ {TARGET}: {met}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
