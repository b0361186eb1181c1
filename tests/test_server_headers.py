"""Issue 11.8 and 11.9 with the real servers: gunicorn names no software and its own 414/431 answers
carry the security headers; deploy/nginx.conf answers oversized requests itself, with the same headers,
and 50 slow clients do not delay /healthz through it by more than a second."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from gunicorn_support import Client, gunicorn
from nginx_support import HEADERS_MORE, nginx, raw_request

SECURITY = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
LONG_LINE = b"GET /zh/?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: portal.test\r\n\r\n"
BIG_HEADER = b"GET /zh/ HTTP/1.1\r\nHost: portal.test\r\nCookie: " + b"c" * 9000 + b"\r\n\r\n"

pytestmark = pytest.mark.load


def _no_software_named(headers: dict[str, str]) -> None:
    server = headers.get("server", "").lower()
    assert "gunicorn" not in server and "/" not in server and not any(c.isdigit() for c in server), server


def _secured(headers: dict[str, str], where: str) -> None:
    missing = [h for h in SECURITY if h not in headers]
    assert not missing, f"{where}: no {missing} in {headers}"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


@pytest.fixture
def server(app, tmp_path):
    with gunicorn(app, tmp_path, workers=1, threads=4) as srv:
        yield srv


def test_gunicorn_names_no_software_and_secures_its_own_errors(server):
    status, headers, _body = Client(server).get("/healthz")
    assert status == 200
    _no_software_named(headers)
    for data, expected in ((LONG_LINE, 414), (BIG_HEADER, 431)):
        status, headers, body = raw_request(server.port, data)
        assert status == expected
        _no_software_named(headers)
        _secured(headers, f"gunicorn {expected}")
        assert b"gunicorn" not in body.lower()


def test_nginx_answers_oversized_requests_with_security_headers(server, tmp_path):
    with nginx(tmp_path, server.port) as port:
        status, headers, _b = raw_request(port, b"GET /healthz HTTP/1.1\r\nHost: portal.test\r\nConnection: close\r\n\r\n")
        assert status == 200
        if HEADERS_MORE.exists():
            assert "server" not in headers, headers
        else:
            assert headers.get("server") == "nginx"  # no version; the module removes the name as well
        for data, expected in ((LONG_LINE, 414), (BIG_HEADER, 400)):
            status, headers, body = raw_request(port, data)
            assert status == expected, (status, headers)
            _secured(headers, f"nginx {expected}")
            assert "请求无法处理" in body.decode("utf-8")
            assert "nginx/" not in body.decode("utf-8")
        # A body far over the limit is refused before it reaches gunicorn.
        big = b"x" * (3 * 1024 * 1024)
        status, headers, _b = raw_request(port, b"POST /zh/plans/2023-city-management/items/2.3/feedback HTTP/1.1\r\nHost: portal.test\r\n"
                                          b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                                          + str(len(big)).encode() + b"\r\n\r\n")
        assert status == 413
        _secured(headers, "nginx 413")


def _slow_client(port: int, stop: threading.Event, opened: list) -> None:
    """Sends a request's headers one byte at a time, a byte every 0.2 s, until told to stop."""
    request = b"GET /zh/ HTTP/1.1\r\nHost: portal.test\r\nUser-Agent: slow-client-test\r\nX-Pad: " + b"p" * 400
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return
    opened.append(s)
    try:
        for byte in request:
            if stop.is_set():
                break
            s.send(bytes([byte]))
            time.sleep(0.2)
    except OSError:
        pass
    finally:
        s.close()


def _healthz_times(port: int, rounds: int = 10) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: portal.test\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(4096):
                data += chunk
        assert data.startswith(b"HTTP/1.1 200"), data[:100]
        times.append(time.monotonic() - start)
        time.sleep(0.2)
    return times


def test_fifty_slow_clients_do_not_delay_healthz_through_nginx(server, tmp_path):
    with nginx(tmp_path, server.port) as port:
        baseline = _healthz_times(port, rounds=3)
        stop, opened = threading.Event(), []
        threads = [threading.Thread(target=_slow_client, args=(port, stop, opened), daemon=True) for _ in range(50)]
        for t in threads:
            t.start()
        try:
            time.sleep(2.0)  # every slow client is connected and part-way through its headers
            assert len(opened) == 50
            during = _healthz_times(port, rounds=10)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=5)
    print(f"\n/healthz through nginx: before {max(baseline):.3f} s, with 50 slow clients max {max(during):.3f} s")
    assert max(during) < 1.0, during
