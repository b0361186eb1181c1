"""gunicorn settings for the 2-core machine: preloaded app, threads for I/O waits, bounded timeouts."""
import gc
import os

from portal.config import Settings

settings = Settings()  # the same reader as the app's config; no app is created here
bind = f"{settings.read('PORTAL_BIND_HOST', str, '127.0.0.1')}:{settings.read('PORT', int, 8000)}"
# One worker for each core this process may run on. A worker runs Python on one core at a time (the GIL), and its
# threads cover the waits (database, network). Two per core only made the workers take turns on the cores, each
# with its own copy of what a request reads (the index, jieba's dictionary, the content) in the CPU's caches: on
# this 2-core machine, 2 workers against 4 answered 19% more new-word searches a second (8 interleaved rounds,
# every round ahead), and the rendered item page 7% more, with p99 latency about halved (docs/configuration.md).
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
workers = settings.read("PORTAL_WORKERS", int, CORES)
worker_class = "gthread"
threads = settings.read("PORTAL_THREADS", int, 4)
# At most this many connections per worker (gunicorn's default is 1,000). A worker accepts connections as
# fast as it can, so one worker used to take 22-28 of 32 kept-alive connections (nginx keeps 16 open to
# us) while the others idled: one process, so one core under the GIL. With the cap, a full worker leaves
# new connections to the others (tests/test_worker_connections.py).
worker_connections = settings.read("PORTAL_WORKER_CONNECTIONS", int, threads * 4)
preload_app = True  # jieba's dictionary and the content load once, shared by the workers
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (a leak cannot grow for ever), but rarely: at a few thousand requests a
# second 5,000 meant a restart, an empty page cache and a latency spike every few seconds per worker. With one
# worker a core, the other worker carries everything while one restarts: 200,000 gave the web bench (about
# 600,000 requests a worker) three restarts a worker and a round with a 0.47 s p99.
max_requests = 1000000
max_requests_jitter = 100000
accesslog = settings.read("PORTAL_ACCESS_LOG", str, "-")
# The path without its query string (%(U)s), and no Referer: residents search for their own comment by the
# phone number or e-mail they gave, and a request line keeps it in the log for as long as logs are kept.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
# Tracking codes and follow-link tokens in paths are masked too (portal/secret_paths.py).
logger_class = "portal.gunicorn_logging.AccessLogger"
errorlog = "-"
# gunicorn's control socket (for gunicornc, unused here) defaults to $HOME/.gunicorn/gunicorn.ctl: shared by
# every instance under one user, each taking it from the other, and the portal system user has no home.
control_socket_disable = True
loglevel = settings.read("PORTAL_LOG_LEVEL", str, "info")
# Request line and header limits (gunicorn's defaults, stated): longer ones get gunicorn's own 414/431.
limit_request_line = 4094
limit_request_field_size = 8190

# No `Server: gunicorn/<version>`; gunicorn's own error answers carry the security headers.
from portal.gunicorn_hardening import apply as _harden  # noqa: E402

_harden()


def when_ready(server):
    # Templates compiled once in the master (0.6 s for all of them) rather than by each worker on its first
    # requests after a start, a deploy or a recycle.
    app = server.app.wsgi()
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)


def pre_fork(server, worker):
    # What the master loaded (app, content, jieba's dictionary, the index) lives as long as the workers:
    # frozen, the collector stops walking it again and again (a tenth of a rendered page's CPU), and the
    # workers' collections stop writing to pages they share with the master (Python's gc.freeze advice).
    gc.freeze()


def post_fork(server, worker):
    # Connections opened in the master must not be shared by forked workers.
    app = server.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return  # an app without a database, such as the bench's hello-world ceiling under these settings
    from portal.extensions import db

    with app.app_context():
        db.engine.dispose()
