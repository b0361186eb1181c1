"""gunicorn's access log with the secrets some paths carry masked (portal/secret_paths.py)."""
from __future__ import annotations

from gunicorn.glogging import Logger

from .secret_paths import mask


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = mask(atoms["U"])  # the path gunicorn.conf.py's access_log_format logs
        return atoms
