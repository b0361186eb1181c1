"""Flask's signed-cookie session, opened without signing work when the visitor sent no session cookie.

Most requests are readers of public pages, who never get a session (portal/http_caching.py); Flask
still builds its signing serializer for each of them before finding no cookie to read. Same cookie,
same signing and the same empty session when there is none: only the order of the two steps changes.
An answer http_caching marks public says it varies on no cookie (portal/http_caching.py, _headers).
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
        if not session and not session.modified:
            # Nothing to write or delete (every reader's case): Flask's own method would read seven cookie
            # settings from the config first, for the one header it adds here too.
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
