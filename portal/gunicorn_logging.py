"""gunicorn's logs with the secrets some paths carry masked (portal/secret_paths.py)."""
from __future__ import annotations

from gunicorn.glogging import Logger

from .secret_paths import mask


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = mask(atoms["U"])  # the path gunicorn.conf.py's access_log_format logs
        return atoms

    def exception(self, msg, *args, **kwargs):
        # When the app raises past Flask, a worker logs "Error handling request GET <uri>" (workers/base.py,
        # handle_error) with the whole URI: logged as the access log logs it, path masked, no query string.
        super().exception(msg, *map(_uri, args), **kwargs)


def _uri(value):
    return mask(value.partition("?")[0]) if isinstance(value, str) and value.startswith("/") else value
