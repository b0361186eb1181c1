"""Flask's signed-cookie session, opened without signing work when the visitor sent no session cookie.

Most requests are readers of public pages, who never get a session (portal/http_caching.py); Flask
still builds its signing serializer for each of them before finding no cookie to read. Same cookie,
same signing and the same empty session when there is none: only the order of the two steps changes.
"""
from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
