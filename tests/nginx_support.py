"""deploy/nginx.conf started as it is, with only its ports and paths moved into a test's tmp_path, run
as the current user, in front of a gunicorn from gunicorn_support."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from gunicorn_support import ROOT, free_port

CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
HEADERS_MORE = Path("/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so")


def need_nginx() -> str:
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: .ci/run should have installed it")
        pytest.skip("nginx not installed (apt-get install nginx libnginx-mod-http-headers-more-filter)")
    if not HEADERS_MORE.exists() and os.environ.get("CI"):
        pytest.fail("libnginx-mod-http-headers-more-filter is missing in CI: .ci/run should have installed it")
    return NGINX


def render(tmp_path: Path, listen_port: int, app_port: int) -> Path:
    """The recipe with ports and paths replaced; each replacement must find its text, so the test
    follows the file rather than a copy of it."""
    text = CONFIG.read_text()
    replacements = {
        # Run as whoever runs the tests; as root, workers would drop to nobody, who cannot write the
        # page cache inside the test's private tmp_path.
        "user www-data;\n": "user root;\n" if os.geteuid() == 0 else "",
        "pid /run/nginx-portal.pid;": f"pid {tmp_path}/nginx.pid;",
        "/var/log/nginx/": f"{tmp_path}/",
        "/var/cache/nginx/portal/": f"{tmp_path}/nginx-temp/",
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "root /srv/portal/": f"root {ROOT}/",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer contains {old!r}"
        text = text.replace(old, new)
    if not HEADERS_MORE.exists():  # locally without the module: the rest of the recipe still runs
        text = "\n".join(line for line in text.splitlines() if not line.rstrip().endswith("# headers-more"))
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "pages"):
        (tmp_path / "nginx-temp" / sub).mkdir(parents=True, exist_ok=True)
    out = tmp_path / "nginx.conf"
    out.write_text(text)
    return out


@contextmanager
def nginx(tmp_path: Path, app_port: int):
    """Yields nginx's port; stops the nginx it started (and only it)."""
    binary = need_nginx()
    port = free_port()
    conf = render(tmp_path, port, app_port)
    log = tmp_path / "nginx-stderr.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([binary, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf),
                                 "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {log.read_text()}{(tmp_path / 'error.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def raw_request(port: int, data: bytes, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (too-long lines, odd headers) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _sep, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _c, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body
