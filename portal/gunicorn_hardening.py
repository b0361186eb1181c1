"""Two things gunicorn 27 has no setting for, applied from gunicorn.conf.py before workers start.

- Its `Server: gunicorn` header names the software: the name comes from a module constant that each
  response reads, so the constant is replaced.
- The errors it answers itself, before the app sees the request (414 URI too long, 431 header fields
  too large, 400 unreadable request), go out without the app's security headers: its error writer is
  wrapped to add them. Behind nginx these requests are refused by nginx first (deploy/nginx.conf).
"""
from __future__ import annotations

SERVER_NAME = "portal"  # what the Server header says instead of the software and its version


def security_headers() -> list[tuple[str, str]]:
    from .security import SECURITY_HEADERS

    return [*SECURITY_HEADERS, ("Cache-Control", "no-store")]


def _write_error(sock, status_int, reason, mesg):
    """gunicorn.util.write_error with the security headers and a plain page that says nothing about the server."""
    from gunicorn import util

    body = (f"<!doctype html><html><head><title>{status_int} {reason}</title></head>"
            f"<body><h1>{status_int} {reason}</h1></body></html>").encode("latin1")
    head = [f"HTTP/1.1 {status_int} {reason}", f"Server: {SERVER_NAME}", "Connection: close",
            "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in security_headers()]
    util.write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin1") + body)


def apply() -> None:
    import gunicorn.http.wsgi
    import gunicorn.util

    gunicorn.http.wsgi.SERVER = SERVER_NAME
    gunicorn.util.write_error = _write_error
