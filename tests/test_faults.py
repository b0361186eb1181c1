"""Faults: the search index destroyed while gunicorn serves searches, the database locked or read-only,
a broken content file at start-up."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from conftest import ROOT, csrf_from, text_of
from gunicorn_support import Client, free_port, gunicorn, server_env

# ---------------------------------------------------------------- search index


def _searcher(server, stop, results, lock):
    client = Client(server)
    while not stop.is_set():
        try:
            status, _h, body = client.get(f"/api/v1/search?q={quote('加梯')}")
        except OSError as exc:  # a worker that died mid-request
            status, body = 0, repr(exc)
        with lock:
            results.append((status, body[:400]))


def _corrupt(build: Path) -> None:
    # A worker may swap in yet another rebuild meanwhile; the files of the build we found are the target.
    for f in list(build.glob("*")):
        if f.suffix in (".seg", ".toc"):
            try:
                f.write_bytes(b"\0garbage" * 64)
            except FileNotFoundError:
                pass


@pytest.mark.load
def test_search_keeps_answering_while_its_index_is_deleted_and_corrupted(app, tmp_path):
    from portal.search import index

    with app.app_context():
        index.build()
    root = Path(app.config["SEARCH_INDEX"])
    results: list = []
    lock = threading.Lock()
    stop = threading.Event()
    with gunicorn(app, tmp_path) as server:
        threads = [threading.Thread(target=_searcher, args=(server, stop, results, lock)) for _ in range(6)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            shutil.rmtree((root / "current").resolve(), ignore_errors=True)  # the build deleted under the readers
            time.sleep(1.5)
            _corrupt((root / "current").resolve())  # the rebuilt one corrupted
            time.sleep(1.5)
            (root / "current").unlink(missing_ok=True)  # and the pointer to it removed
            time.sleep(1.5)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        after = Client(server).get(f"/api/v1/search?q={quote('加梯')}")
        log = server.log_text()
    statuses = Counter(s for s, _b in results)
    assert statuses.get(200, 0) > 20 and set(statuses) == {200}, (statuses, [b for s, b in results if s != 200][:3], log[-3000:])
    assert all('"code":"2.3"' in b.replace(" ", "") for _s, b in results)
    assert after[0] == 200 and (root / "current").resolve().exists()


# ---------------------------------------------------------------- database locked / read-only


def _feedback_count(app) -> int:
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        n = db.session.scalar(select(func.count(Feedback.id)))
        db.session.remove()
    return n


class _WriteLock:
    """Another connection holding the database's write lock (SQLite) or the feedback table's (PostgreSQL)."""

    def __init__(self, app):
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]

    def __enter__(self):
        if self.url.startswith("sqlite"):
            import sqlite3

            self.conn = sqlite3.connect(make_url(self.url).database, isolation_level=None)
            self.conn.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg

            self.conn = psycopg.connect(make_url(self.url).set(drivername="postgresql").render_as_string(False))
            self.conn.execute("LOCK TABLE feedback IN EXCLUSIVE MODE")  # reads go on, writes wait
        return self

    def __exit__(self, *exc):
        self.conn.rollback() if not self.url.startswith("sqlite") else self.conn.execute("ROLLBACK")
        self.conn.close()


@pytest.mark.parametrize("lang,title,message", [
    ("zh", "暂时无法使用", "没有被部分保存"),
    ("en", "Temporarily unavailable", "Nothing was half-saved"),
])
def test_a_locked_database_gives_a_clear_page_and_writes_nothing(app_factory, lang, title, message):
    app = app_factory(DB_BUSY_TIMEOUT_MS=300)
    client = app.test_client()
    token = csrf_from(client.get(f"/{lang}/plans/2023-city-management/items/2.3").data)
    form = {"csrf_token": token, "body": "楼下的路灯坏了两个星期。", "kind": "concern", "place": ""}
    with _WriteLock(app):
        assert client.get(f"/{lang}/plans/2023-city-management/items/2.3").status_code == 200  # readers are not blocked
        response = client.post(f"/{lang}/plans/2023-city-management/items/2.3/feedback", data=form)
        assert response.status_code == 503
        page = text_of(response.data)
        assert title in page and message in page
    assert _feedback_count(app) == 0
    # Once the lock is gone the same form goes through: the resident loses nothing but a retry.
    again = client.post(f"/{lang}/plans/2023-city-management/items/2.3/feedback", data=form)
    assert again.status_code == 302
    assert _feedback_count(app) == 1


def test_a_locked_database_leaves_no_half_written_flag(app_factory):
    """A flag writes two rows' worth (the flag and the comment's counter): both or neither."""
    from portal.extensions import db
    from portal.models import Feedback, FeedbackFlag
    from portal.services import feedback as service

    app = app_factory(DB_BUSY_TIMEOUT_MS=300)
    with app.app_context():
        fb = service.submit("2.3", body="什么时候开工？", kind="question", ip="192.0.2.9", lang="zh").feedback
        service.approve(fb, None)
        fid = fb.id
    client = app.test_client()
    token = csrf_from(client.get("/en/plans/2023-city-management/items/2.3").data)
    with _WriteLock(app):
        r = client.post(f"/en/feedback/{fid}/flag", data={"csrf_token": token, "reason": "Not true"})
        assert r.status_code == 503
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackFlag.id))) == 0
        assert db.session.get(Feedback, fid).flag_count == 0


def _read_only(app_factory, tmp_path):
    app = app_factory()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        path = make_url(url).database
        ro_url = f"sqlite:///file:{path}?mode=ro&uri=true"
        return app_factory(database_url=ro_url), app, None
    import psycopg

    admin_url = make_url(url).set(drivername="postgresql").render_as_string(False)
    name = make_url(url).database
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    from portal.extensions import db

    with app.app_context():
        db.engine.dispose()  # new connections pick up the read-only default
    return app, app, (admin_url, name)


@pytest.mark.parametrize("lang,title", [("zh", "暂时无法使用"), ("en", "Temporarily unavailable")])
def test_a_read_only_database_serves_pages_and_refuses_writes_clearly(app_factory, tmp_path, lang, title):
    app, writable, pg = _read_only(app_factory, tmp_path)
    try:
        client = app.test_client()
        page = client.get(f"/{lang}/plans/2023-city-management/items/2.3")
        assert page.status_code == 200
        token = csrf_from(page.data)
        response = client.post(f"/{lang}/plans/2023-city-management/items/2.3/feedback", data={
            "csrf_token": token, "body": "希望增加晚间的垃圾投放时间。", "kind": "suggestion", "place": ""})
        assert response.status_code == 503
        assert title in text_of(response.data)
    finally:
        if pg:
            import psycopg

            with psycopg.connect(pg[0], autocommit=True) as conn:
                conn.execute("SET default_transaction_read_only = off")
                conn.execute(f'ALTER DATABASE "{pg[1]}" SET default_transaction_read_only = off')
            from portal.extensions import db

            with app.app_context():
                db.engine.dispose()
    assert _feedback_count(writable) == 0


# ---------------------------------------------------------------- broken content


@pytest.fixture
def broken_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "plans/2023-city-management" / "items" / "2.3.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"]["en"] = "张江"  # English text in Chinese: the schema refuses it
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return content


def _env(app, tmp_path, content: Path, **extra) -> dict:
    return server_env(app, tmp_path, PORTAL_CONTENT_DIR=str(content), **extra)


NAMED = ("content/plans/2023-city-management/items/2.3.yaml", "title.en")


def test_load_content_stops_naming_the_file_and_the_field(app, tmp_path, broken_content):
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "load-content"], cwd=ROOT,
                            env=_env(app, tmp_path, broken_content), capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert all(part in result.stderr for part in NAMED), result.stderr
    assert "Traceback" not in result.stderr  # one clear line, not a stack trace


def test_gunicorn_refuses_to_start_with_broken_content(app, tmp_path, broken_content):
    env = _env(app, tmp_path, broken_content, PORT=str(free_port()), PORTAL_WORKERS="1")
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert all(part in result.stderr + result.stdout for part in NAMED)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_stops_naming_the_file_and_the_field(app, tmp_path, broken_content):
    env = _env(app, tmp_path, broken_content, PORT=str(free_port()))
    env.pop("MAKEFLAGS", None)
    proc = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:  # it started serving: the failure this test exists to catch
        os.killpg(proc.pid, 15)
        output, _ = proc.communicate(timeout=30)
        pytest.fail(f"make run did not stop on broken content:\n{output[-2000:]}")
    assert proc.returncode != 0
    assert all(part in output for part in NAMED), output[-2000:]
    assert "Listening at" not in output


# ---------------------------------------------------------------- database gone


@pytest.mark.parametrize("path,title", [("/zh/plans/2023-city-management/items/2.3", "暂时无法使用"),
                                        ("/en/", "Temporarily unavailable")])
def test_a_database_that_cannot_be_opened_gives_the_unavailable_page_not_a_server_error(app, tmp_path, path, title):
    """The server down, or SQLite's file on a disk gone read-only (WAL cannot open its -shm): the first read of a
    page (the data version, on a raw pooled connection) raised the driver's own error, which no handler knew,
    so residents got 500 "Something went wrong" and the API a 500 instead of 503 "try again in a few minutes"."""
    from portal import create_app

    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("")
    gone = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "CONTENT_DIR": app.config["CONTENT_DIR"],
                       "SEARCH_INDEX": str(tmp_path / "index"),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{not_a_folder}/portal.db"})
    client = gone.test_client()
    page = client.get(path)
    assert page.status_code == 503 and title in text_of(page.data)
    api = client.get("/api/v1/plans")
    assert api.status_code == 503, api.status_code
    assert client.get("/healthz").get_json()["checks"]["database"] == "unavailable"
