"""Cheaper signing for Flask's cookie session and for CSRF tokens, in the same formats.

Flask opens the session on every request and builds a new itsdangerous serializer to do it; and
itsdangerous zlib-compresses every payload before signing, which for a session or a CSRF token of a
few dozen bytes never pays off but allocates a compressor (about 0.1 ms each time). Together that was
most of the work of serving a cached page to a new visitor. Here the serializer is built once per
secret and payloads are signed uncompressed: cookies and tokens read back exactly as before
(itsdangerous only decompresses payloads that are marked compressed).
"""
from __future__ import annotations

import secrets
import threading

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimedSerializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.url_safe import URLSafeSerializerMixin
from werkzeug.http import dump_cookie


class UncompressedURLSafeTimedSerializer(URLSafeTimedSerializer):
    def dump_payload(self, obj) -> bytes:
        return base64_encode(super(URLSafeSerializerMixin, self).dump_payload(obj))


assert issubclass(UncompressedURLSafeTimedSerializer, TimedSerializer)


class CachedSigningSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._lock = threading.Lock()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = [*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key]  # current key last
        key = tuple(keys)
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = UncompressedURLSafeTimedSerializer(
                keys, salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})
            with self._lock:
                self._serializers = {key: serializer}  # a changed secret replaces the old one
        return serializer


_csrf_serializers: dict[str, URLSafeTimedSerializer] = {}


def _csrf_serializer(app: Flask) -> URLSafeTimedSerializer:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    serializer = _csrf_serializers.get(secret)
    if serializer is None:
        serializer = _csrf_serializers.setdefault(
            secret, UncompressedURLSafeTimedSerializer(secret, salt="wtf-csrf-token"))
    return serializer


def _new_secret() -> str:
    # 40 random hex digits, the shape Flask-WTF gives (it hashes urandom with SHA-1; bandit B324).
    return secrets.token_hex(20)


def csrf_token() -> str:
    """The visitor's CSRF token, as Flask-WTF's generate_csrf() makes it (same session key, salt and
    signature, so its validate_csrf accepts it), with a serializer built once."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field not in g:
        if not isinstance(session.get(field), str):
            session[field] = _new_secret()
        setattr(g, field, _csrf_serializer(current_app).dumps(session[field]))
    return g.get(field)


def new_visitor_session(app: Flask) -> tuple[str, str]:
    """(Set-Cookie value, form token) for a visitor without a session: the cookie Flask's session
    interface sets for a session holding only a new CSRF secret, and the token Flask-WTF signs from it."""
    interface = app.session_interface
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = _new_secret()
    cookie = dump_cookie(
        interface.get_cookie_name(app), interface.get_signing_serializer(app).dumps({field: raw}),
        domain=interface.get_cookie_domain(app), path=interface.get_cookie_path(app),
        secure=interface.get_cookie_secure(app), httponly=interface.get_cookie_httponly(app),
        samesite=interface.get_cookie_samesite(app), partitioned=interface.get_cookie_partitioned(app))
    return cookie, _csrf_serializer(app).dumps(raw)


def init_app(app: Flask) -> None:
    app.session_interface = CachedSigningSessionInterface()
