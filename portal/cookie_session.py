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
        name = self.get_cookie_name(app)
        # `in` first: MultiDict.get raises and catches an exception for a cookie not sent, every reader's case.
        if app.secret_key and not (name in request.cookies and request.cookies[name]):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SecureCookieSession, response) -> None:
        # Flask adds `Vary: Cookie` to any answer whose template looked at the session (flashed messages). An
        # answer http_caching marked public came without a session cookie and sets none, and a request with
        # one is never given a shared copy (private, and nginx bypasses its cache): the header only split
        # nginx's cache by every other cookie a browser sends (docs/deploy.md, "Caching").
        if response.cache_control.public:
            session.accessed = False
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
