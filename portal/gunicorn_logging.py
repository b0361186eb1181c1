"""gunicorn's access log with the secrets some paths carry masked: a resident's tracking code
(/<lang>/feedback/<code>, .../withdraw) and the follow links' confirm token and unsubscribe signature. Whoever
reads the log could otherwise read, withdraw or unsubscribe in the resident's place. deploy/nginx.conf masks
the same segments with the same pattern ($portal_log_uri)."""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

SECRET_SEGMENT = re.compile(r"^(/[^/]+/(?:feedback|follow/confirm|follow/unsubscribe/[^/]+)/)[^/]+")


def mask(path: str | None) -> str | None:
    return SECRET_SEGMENT.sub(r"\1*", path) if path else path


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = mask(atoms["U"])  # the path gunicorn.conf.py's access_log_format logs
        return atoms
