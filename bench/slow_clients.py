"""Why nginx goes in front: /healthz while 50 clients send their headers a byte every 0.2 s,
straight to gunicorn (gunicorn.conf.py, 2 workers × 4 threads) and through deploy/nginx.conf.

    python -m bench slow_clients            # about a minute; needs Debian nginx

Results: bench/results/slow-clients.md. tests/test_server_headers.py asserts the nginx side (< 1 s).
"""
from __future__ import annotations

import datetime
import logging
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TIMEOUT = 5.0


def _healthz(port: int) -> float | None:
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            if not s.recv(64).startswith(b"HTTP/1.1 200"):
                return None
    except OSError:
        return None
    return time.monotonic() - start


def _under_slow_clients(port: int, rounds: int = 5) -> list[float | None]:
    from test_server_headers import _slow_client

    stop, opened = threading.Event(), []
    threads = [threading.Thread(target=_slow_client, args=(port, stop, opened), daemon=True) for _ in range(50)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    try:
        return [_healthz(port) for _ in range(rounds)]
    finally:
        stop.set()


def _app(tmp: Path):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.services.content import content, sync_items

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}", "SEARCH_INDEX": str(tmp / "index"),
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sync_items(content())
    return app


def _fmt(times: list[float | None]) -> str:
    return ", ".join(f"{t:.3f} s" if t is not None else f"no answer in {TIMEOUT:.0f} s" for t in times)


def main(argv: list[str]) -> int:
    logging.disable(logging.WARNING)
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from gunicorn_support import gunicorn
    from nginx_support import nginx

    from bench._commit import head_commit

    with tempfile.TemporaryDirectory(prefix="bench-slow-") as name:
        tmp = Path(name)
        app = _app(tmp)
        with gunicorn(app, tmp, workers=2, threads=4) as server:
            direct = _under_slow_clients(server.port)
            with nginx(tmp, server.port) as port:
                proxied = _under_slow_clients(port)
    commit = head_commit()
    lines = [f"# /healthz with 50 slow clients ({datetime.date.today()}, commit {commit})", "",
             "`python -m bench slow_clients`: 50 connections each sending request headers one byte every 0.2 s,",
             "then five /healthz requests one after another (timeout 5 s each).", "",
             "| path | /healthz answers |", "| --- | --- |",
             f"| gunicorn alone (2 workers × 4 threads) | {_fmt(direct)} |",
             f"| nginx (deploy/nginx.conf) in front | {_fmt(proxied)} |", ""]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "slow-clients.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0
