"""Staff login timing: does a wrong password take as long for an unknown or disabled name as for a
real one (no timing hint about which names exist), and what does the session check cost a page?

    python -m bench login              # 30 rounds of each kind, interleaved
    python -m bench login --rounds 60

Runs in a temporary directory through the test client with the login limits raised (throttling is
not what is timed). Results: bench/results/login-timing.json and bench/results/login-timing.md.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "bench horse battery staple"
KINDS = {"known name, wrong password": "real", "unknown name": "nobody-here", "disabled name": "gone"}


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', html)
    return m.group(1) or m.group(2)


def _summary(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"n": len(samples), "median_ms": round(statistics.median(samples), 1),
            "p90_ms": round(samples[int(len(samples) * 0.9) - 1], 1), "max_ms": round(samples[-1], 1)}


def _app(tmp: str):
    os.environ["PORTAL_INSTANCE_DIR"] = str(Path(tmp) / "instance")
    from flask_migrate import upgrade

    from portal import create_app
    from portal.services.auth import create_staff, set_active
    from portal.services.content import content, sync_items

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SEARCH_INDEX": f"{tmp}/index",
                      "SECRET_KEY": "bench", "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
                      "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sync_items(content())
        create_staff("real", PASSWORD, "moderator")
        create_staff("admin", PASSWORD, "admin")
        set_active(create_staff("gone", PASSWORD, "moderator"), False)
    return app


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench login")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-login-") as tmp:
        app = _app(tmp)
        client = app.test_client()
        token = _csrf(client.get("/staff/login").get_data(as_text=True))
        samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(args.rounds):  # interleaved, so a burst of load elsewhere hits every kind alike
            for kind, name in KINDS.items():
                started = time.perf_counter()
                r = client.post("/staff/login", data={"username": name, "password": "wrong guess 42", "csrf_token": token})
                samples[kind].append((time.perf_counter() - started) * 1000)
                assert r.status_code == 401, r.status_code
        staff = app.test_client()
        staff.post("/staff/login", data={"username": "admin", "password": PASSWORD,
                                         "csrf_token": _csrf(staff.get("/staff/login").get_data(as_text=True))})
        page = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            assert staff.get("/staff/").status_code == 200
            page.append((time.perf_counter() - started) * 1000)
    results = {kind: _summary(s) for kind, s in samples.items()}
    results["GET /staff/ with a session check"] = _summary(page)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "login-timing.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# Staff login timing (python -m bench login)", "",
             f"{args.rounds} interleaved rounds through the test client, SQLite, shared 2-core machine.", "",
             "| what | median ms | p90 ms | max ms |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {k} | {v['median_ms']} | {v['p90_ms']} | {v['max_ms']} |" for k, v in results.items()]
    (RESULTS / "login-timing.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0
