"""gunicorn settings for the 2-core machine: preloaded app, threads for I/O waits, bounded timeouts."""
import multiprocessing
import os

bind = f"{os.environ.get('PORTAL_BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("PORTAL_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS", "4"))
preload_app = True  # jieba's dictionary and the content load once, shared by the workers
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (a leak cannot grow for ever), but rarely: at a few thousand requests a
# second 5,000 meant a restart, an empty page cache and a latency spike every few seconds per worker.
max_requests = 200000
max_requests_jitter = 20000
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
# Request line and header limits (gunicorn's defaults, stated): longer ones get gunicorn's own 414/431.
limit_request_line = 4094
limit_request_field_size = 8190

# No `Server: gunicorn/<version>`; gunicorn's own error answers carry the security headers.
from portal.gunicorn_hardening import apply as _harden  # noqa: E402

_harden()


def post_fork(server, worker):
    # Connections opened in the master must not be shared by forked workers.
    app = server.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return  # an app without a database, such as the bench's hello-world ceiling under these settings
    from portal.extensions import db

    with app.app_context():
        db.engine.dispose()
