"""The real server for load and fault tests: gunicorn with the repo's gunicorn.conf.py on a random
loopback port, pointed at a test's database and index, and a small HTTP client with its own cookies
(one per simulated resident), built on http.client so the tests need no extra package."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    host: str
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def server_env(app, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a process serving the same database, index and content as `app`."""
    env = dict(os.environ)
    env.update(
        PORTAL_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        PORTAL_SEARCH_INDEX=app.config["SEARCH_INDEX"],
        PORTAL_CONTENT_DIR=app.config["CONTENT_DIR"],
        PORTAL_INSTANCE_DIR=str(tmp_path / "server-instance"),
        PORTAL_SECRET_KEY=app.config["SECRET_KEY"],
        PORTAL_TODAY=app.config.get("PORTAL_TODAY") or "",
        PORTAL_LOG_LEVEL="warning",
    )
    env.update(extra)
    return env


@contextmanager
def gunicorn(app, tmp_path: Path, workers: int = 2, threads: int = 4, **extra: str):
    """Start gunicorn on a free port; stop it (and only it) afterwards."""
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    env = server_env(app, tmp_path, PORT=str(port), PORTAL_WORKERS=str(workers), PORTAL_THREADS=str(threads),
                     PORTAL_ACCESS_LOG=str(tmp_path / f"access-{port}.log"), **extra)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server("127.0.0.1", port, proc, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(proc)


def _wait_ready(server: Server, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.proc.returncode}:\n{server.log_text()[-3000:]}")
        try:
            status, _h, _b = Client(server).get("/healthz")
            if status in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{server.log_text()[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


class Client:
    """One resident: a cookie jar and one request per connection (no reuse, so no retried POST)."""

    def __init__(self, server: Server, timeout: float = 60.0):
        self.host, self.port, self.timeout = server.host, server.port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Connection": "close", "Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)

    def csrf(self, path: str) -> str:
        """The page's CSRF token; "" on residents' pages, whose forms carry none (portal/same_origin.py)."""
        status, _h, body = self.get(path)
        assert status == 200, f"GET {path}: {status}"
        m = CSRF_RE.search(body)
        return (m.group(1) or m.group(2)) if m else ""
