"""Kept-alive connections spread over the gunicorn workers (gunicorn.conf.py: worker_connections).

A worker accepts connections as fast as it can, and each worker is one process, so one core under the
GIL: when one worker took most of the connections (22-28 of 32 were measured), the other core idled.
"""
from __future__ import annotations

import os
import socket
from collections import Counter
from pathlib import Path

from gunicorn_support import gunicorn


def _established_by_pid(port: int, pids: list[int]) -> Counter:
    """Open server-side connections on `port`, counted per process (from /proc, no tool needed)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    held = Counter()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held[pid] += 1
    return held


def _workers(master: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def test_kept_alive_connections_are_spread_over_the_workers(app, tmp_path):
    with gunicorn(app, tmp_path, workers=4, threads=4) as server:
        socks = [socket.create_connection((server.host, server.port), timeout=10) for _ in range(32)]
        try:
            for s in socks:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            for s in socks:
                assert s.recv(64).startswith(b"HTTP/1.1 200")
            held = _established_by_pid(server.port, _workers(server.proc.pid))
        finally:
            for s in socks:
                s.close()
    assert sum(held.values()) > 0
    assert max(held.values()) <= 16, held  # threads × 4
    assert len(held) >= 2, held
