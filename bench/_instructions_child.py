"""Run under callgrind by bench/instructions.py, with the repository to measure as the working directory.

Sets that repository's portal up as `python -m bench profile` does, makes 200 warm-up requests, prints
"ready PID", waits for the go file (instrumentation is switched on from outside meanwhile), then makes N
requests of one page straight through the WSGI app. Written against what older revisions also have
(bench.profile_pages.make_app, bench._pages), so a past commit can be measured the same way.
"""
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, os.getcwd())

from werkzeug.test import EnvironBuilder  # noqa: E402

from bench._pages import PAGES, fresh_queries  # noqa: E402
from bench.profile_pages import make_app  # noqa: E402

WARM_UP = 200


def main(page: str, n: int, go: str) -> None:
    app = make_app(Path(tempfile.mkdtemp(prefix="instructions-")))
    gc.freeze()  # as gunicorn.conf.py does in the master before it forks the workers
    if page == "search (new words)":
        paths = ["/zh/search?q=" + quote(q) for q in fresh_queries(n + WARM_UP)]
    else:
        paths = [PAGES[page]] * (n + WARM_UP)
    environs = [EnvironBuilder(path=p, headers={"Accept-Encoding": "gzip, deflate, br"}).get_environ() for p in paths]

    def call(environ):
        status = []
        body = app(dict(environ), lambda s, h, e=None: status.append(s))
        b"".join(body)
        getattr(body, "close", lambda: None)()
        if not status[0].startswith("200"):
            raise SystemExit(f"{page} answered {status[0]}")

    for environ in environs[:WARM_UP]:
        call(environ)
    print("ready", os.getpid(), flush=True)
    while not os.path.exists(go):
        time.sleep(0.2)
    for environ in environs[WARM_UP:]:
        call(environ)
    # Out without the interpreter's shutdown: callgrind counts until the process ends, and the shutdown
    # (module teardown, its collections, the search log's flush at exit) was 15% of the total divided by
    # the requests, a cost no request pays and one that dulled every change measured.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
