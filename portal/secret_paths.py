"""The secrets some paths carry, masked wherever a path is logged: a resident's tracking code
(/<lang>/feedback/<code>, .../withdraw) and the follow links' confirm token and unsubscribe signature. Whoever
reads a log could otherwise read, withdraw or unsubscribe in the resident's place. Used by gunicorn's access
log (gunicorn_logging.py) and the app's error log (PortalFlask.log_exception, app_class.py);
deploy/nginx.conf masks the same segments with the same pattern ($portal_log_uri)."""
from __future__ import annotations

import re

SECRET_SEGMENT = re.compile(r"^(/[^/]+/(?:feedback|follow/confirm|follow/unsubscribe/[^/]+)/)[^/]+")


def mask(path: str | None) -> str | None:
    return SECRET_SEGMENT.sub(r"\1*", path) if path else path
