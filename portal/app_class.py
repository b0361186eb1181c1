"""The portal's Flask class: its requests' query strings without invisible characters, its templates'
environment and cache, and an error log that masks secret paths."""
from __future__ import annotations

from inspect import CO_COROUTINE

from flask import Flask, Request, Response, request
from werkzeug.datastructures import Headers
from werkzeug.utils import cached_property

from .inputs import visible_text
from .jinja_environment import FlatGlobalsEnvironment
from .secret_paths import mask


class PortalRequest(Request):
    @cached_property
    def args(self):
        """The query string without control or format characters (inputs.visible_text): everything in it can
        come from a shared link, and search, the tracking-code look-up and filters repeat it on the page."""
        return self.parameter_storage_class(
            (visible_text(name), visible_text(value)) for name, value in Request.args.fget(self).items(multi=True))


class ResponseHeaders(Headers):
    """werkzeug's Headers, answering `name in headers` and `headers.get(name)` for a name that is not there
    without raising and catching a KeyError: werkzeug's build an HTTP exception for it (a microsecond),
    and every page's response is asked about five absent names (Content-Type as it is made, Cache-Control,
    Vary, Content-Encoding, ETag by the hooks): about 1% of a search's instructions."""

    def __contains__(self, key) -> bool:
        if not isinstance(key, str):
            return super().__contains__(key)
        key = key.lower()
        for name, _ in self._list:
            if name.lower() == key:
                return True
        return False

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's own parameter name
        if type is not None or not isinstance(key, str):
            return super().get(key, default, type)
        key = key.lower()
        for name, value in self._list:
            if name.lower() == key:
                return value
        return default


class PortalResponse(Response):
    def __init__(self, response=None, status=None, headers=None, *args, **kwargs) -> None:
        super().__init__(response, status, headers if isinstance(headers, Headers) else ResponseHeaders(headers),
                         *args, **kwargs)


class PortalFlask(Flask):
    request_class = PortalRequest
    response_class = PortalResponse
    jinja_environment = FlatGlobalsEnvironment
    # Templates are a fixed set of files (about 75, all compiled at start-up by gunicorn.conf.py), so
    # they are kept in a plain dict: Jinja's default LRU cache takes a lock and reorders its queue on
    # every look-up (0.9 µs against 0.04), and a page looks up its template, layout and macros.
    jinja_options = {"cache_size": -1}

    def ensure_sync(self, func):
        # Flask asks inspect.iscoroutinefunction about every hook, context processor and view on every request
        # (sixteen on a page, about 1% of a search's instructions); a plain function or method answers from its
        # code's flags. Anything else (a partial, a callable object, an async view) goes through Flask's check.
        code = getattr(func, "__code__", None)
        if code is not None and not code.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)

    def log_exception(self, exc_info) -> None:
        # Flask's own line names the whole path, a resident's tracking code or a follow link's token included,
        # in the error log: masked as the access logs mask it.
        self.logger.error("Exception on %s [%s]", mask(request.path), request.method, exc_info=exc_info)
