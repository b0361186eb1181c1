"""What each part of a new-word search costs a loaded worker: the page timed with one part switched off.

    python -m bench ablation                        # every part, 2 rounds of 8 s each
    python -m bench ablation --rounds 3 --duration 10

The portal is set up as for `python -m bench web` (bench/web_load.py: the same database, index,
gunicorn.conf.py, wrk at 32 connections, browser Accept-Encoding, a new two-word query every request)
and served by bench/_ablated_app.py with the named part switched off, each variant once a round beside
a fresh hello-world ceiling, the variants in turn. A search's cost is counted in hello-worlds (their
requests a second over the search's, in the same round: the share issue 15's target is set on, turned
over), so the machine's drift between rounds cancels; a part's cost is what switching it off saves.
"Everything but the search" switches off every part outside the search function at once. The search
quality of the two query sets in tests/ is given with and without alias and thesaurus expansion, the
part of the search that costs most: what it buys.
Results: bench/results/ablation.json and bench/results/ablation.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from ._ablated_app import PARTS
from ._commit import head_commit
from ._pages import ROOT
from .web_load import (RESULTS, TARGET_RATIO, free_port, prepare_portal, run_wrk, search_script, start_gunicorn,
                       stop, wait_for)

SEARCH_PARTS = ("the search (one answer kept)", "alias and thesaurus expansion", "snippets")
VARIANTS = {
    "nothing (the whole portal)": (),
    **{name: (name,) for name in PARTS},
    "everything but the search": tuple(name for name in PARTS if name not in SEARCH_PARTS),
}
QUERY_SETS = ("search_queries", "search_queries_colloquial")


def measure(args, env: dict[str, str], work: Path) -> dict[str, list[dict]]:
    """Every variant once a round, in turn, each beside a fresh hello-world (a long-lived one would
    recycle workers mid-run and lose their CPU time): the machine's drift spreads over all of them."""
    runs: dict[str, list[dict]] = {variant: [] for variant in VARIANTS}
    script = ["-s", str(search_script(work))]
    for r in range(args.rounds):
        for n, (variant, parts) in enumerate(VARIANTS.items()):
            ports, log = (free_port(), free_port()), work / f"gunicorn-{n}.log"
            servers = (start_gunicorn("bench._hello_app:app", env, ports[0], work / "gunicorn-hello.log"),
                       start_gunicorn("bench._ablated_app:ablated_app()",
                                      {**env, "PORTAL_BENCH_ABLATE": ",".join(parts)}, ports[1], log))
            hello, url = f"http://127.0.0.1:{ports[0]}/", f"http://127.0.0.1:{ports[1]}/zh/search"
            try:
                wait_for(hello)
                wait_for(f"http://127.0.0.1:{ports[1]}/healthz")
                run_wrk(url, 1, args.connections, 2, extra=script)  # warm-up
                h = run_wrk(hello, args.duration, args.connections, 2, [servers[0].pid])
                s = run_wrk(url, args.duration, args.connections, 2, [servers[1].pid], script)
            finally:
                for server in servers:
                    stop(server)
            runs[variant].append({"hello": h, "search": s})
            print(f"round {r + 1} {variant:34s} share {s['rps'] / h['rps']:6.1%}  search "
                  f"{s['server_cpu_us_per_request']:5.0f} us  hello {h['server_cpu_us_per_request']:4.0f} us", flush=True)
            if s["socket_errors"] or s["non_2xx"]:
                # Counted in the report; what the server said is shown here, as the work folder goes.
                answers = [line for line in (work / "access.log").read_text().splitlines()
                           if re.search(r'"GET /zh/search\S* HTTP/1.1" (?!200 )', line)]
                print(f"{variant}: errors; the answers that were not 200:\n" + "\n".join(answers[-10:]) +
                      "\nthe server's log ends:\n" + "\n".join(log.read_text().splitlines()[-30:]), file=sys.stderr)
    return runs


def quality(env: dict[str, str]) -> dict[str, dict]:
    """Top-1 and top-3 of the test query sets with and without expansion (in-process, same index)."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("PORTAL_")})
    from portal import create_app
    from portal.search import query

    app, real = create_app(), query.expand
    out: dict[str, dict] = {}
    with app.app_context():
        for label, expand in (("with expansion", real), ("without expansion", lambda text: [])):
            query.expand = expand
            try:
                for name in QUERY_SETS:
                    cases = yaml.safe_load((ROOT / "tests" / f"{name}.yaml").read_text(encoding="utf-8"))
                    ranked = [([h.code for h in query.search(c["q"], c.get("lang", "zh")).hits], c["expect"])
                              for c in cases]
                    out.setdefault(name, {"queries": len(cases)})[label] = {
                        "top1": round(sum(1 for r, e in ranked if r[:1] and r[0] in e) / len(ranked), 3),
                        "top3": round(sum(1 for r, e in ranked if set(r[:3]) & set(e)) / len(ranked), 3)}
            finally:
                query.expand = real
    return out


def summarise(runs: dict[str, list[dict]]) -> dict[str, dict]:
    """Costs in hello-worlds (hello-world's requests a second over the variant's, in the same round), so
    the machine's drift between rounds cancels; in µs at the run's median hello-world CPU a request."""
    hello_us = statistics.median(r["hello"]["server_cpu_us_per_request"] for rounds in runs.values() for r in rounds)

    def cost(rounds: list[dict]) -> float:
        return statistics.median(r["hello"]["rps"] / r["search"]["rps"] for r in rounds)

    whole = cost(runs["nothing (the whole portal)"])
    out = {}
    for variant, rounds in runs.items():
        out[variant] = {
            "share_of_hello": round(statistics.median(r["search"]["rps"] / r["hello"]["rps"] for r in rounds), 3),
            "shares": [round(r["search"]["rps"] / r["hello"]["rps"], 3) for r in rounds],
            "cost_hello_worlds": round(cost(rounds), 2), "saved_hello_worlds": round(whole - cost(rounds), 2),
            "saved_us": round((whole - cost(rounds)) * hello_us),
            "search_cpu_us": round(statistics.median(r["search"]["server_cpu_us_per_request"] for r in rounds)),
            "search_p99_ms": max(r["search"]["p99_ms"] for r in rounds),
            "errors": sum(r["search"]["socket_errors"] + r["search"]["non_2xx"] for r in rounds),
            "requests": sum(r["search"]["requests"] for r in rounds),
        }
    return {"hello_cpu_us": round(hello_us), "variants": out}


def markdown(report: dict) -> str:
    lines = ["# What each part of a new-word search costs a loaded worker", "",
             "Written by `python -m bench ablation` (bench/ablation.py); do not edit by hand. "
             f"`{report['command']}` at commit `{report['commit']}`, {report['when']}, 1-minute load average at the "
             f"end {report['load_avg_at_end']}. wrk -t2 -c32, a new two-word query each request; each variant beside "
             "a fresh hello-world in every round, the variants in turn; medians of the rounds. A search's cost is in "
             "hello-worlds (hello-world's requests a second over the search's, in the same round); a part's cost is "
             f"what switching it off saves, in hello-worlds and in µs at the run's median hello-world CPU "
             f"({report['hello_cpu_us']} µs a request). Issue 15's target, a share of {TARGET_RATIO:.0%}, is a search "
             f"of {1 / TARGET_RATIO:.0f} hello-worlds.", "",
             "| switched off | share of hello-world (rounds) | cost in hello-worlds | saved | server CPU a search | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for variant, row in report["variants"].items():
        shares = ", ".join(f"{s:.1%}" for s in row["shares"])
        lines.append(f"| {variant} | {row['share_of_hello']:.1%} ({shares}) | {row['cost_hello_worlds']:.2f} | "
                     f"{row['saved_hello_worlds']:.2f} ({row['saved_us']:,} µs) | {row['search_cpu_us']:,} µs | "
                     f"{row['errors']} of {row['requests']:,} |")
    lines += ["", "## What expansion buys", "", "| query set | queries | top-1 / top-3 with | top-1 / top-3 without |",
              "| --- | ---: | ---: | ---: |"]
    for name, row in report["quality"].items():
        w, wo = row["with expansion"], row["without expansion"]
        lines.append(f"| tests/{name}.yaml | {row['queries']} | {w['top1']:.1%} / {w['top3']:.1%} | "
                     f"{wo['top1']:.1%} / {wo['top3']:.1%} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ablation", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench ablation: `wrk` is missing (apt-get install wrk)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench-ablation-"))
    try:
        print("preparing a temporary database and index…", flush=True)
        env = prepare_portal(work)
        runs = measure(args, env, work)
        found = quality(env)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"bench ablation: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "commit": head_commit(),
              "command": " ".join(["python -m bench ablation", *argv]),
              "load_avg_at_end": round(os.getloadavg()[0], 2), **summarise(runs), "quality": found,
              "rounds": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ablation.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "ablation.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0
