"""WSGI entry point: gunicorn wsgi:app, flask --app wsgi COMMAND."""
import sys

from portal import create_app
from portal.config import ConfigError
from portal.content import ContentError

try:
    app = create_app()
except ContentError as exc:
    # `make run`, every flask command and gunicorn stop here with one line naming the file and the field.
    sys.exit(f"portal: cannot start, a content file is invalid: {exc}")
except ConfigError as exc:
    sys.exit(f"portal: cannot start: {exc}")
