"""Running the site year after year: what an operator who did not build it meets (docs/deploy.md)."""
from __future__ import annotations

import os
import time

import pytest

from conftest import ROOT
from mail_support import smtp  # noqa: F401 (fixture)
from pg_support import drop_databases, empty_database


@pytest.fixture
def unmigrated(tmp_path, monkeypatch):
    """An app on a database nobody has run `flask db upgrade` on yet."""
    from portal import create_app

    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path / "instance"))
    shared = os.environ.get("PORTAL_TEST_DATABASE_URL")
    url = empty_database(shared) if shared else f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SEARCH_INDEX": str(tmp_path / "index"),
                      "SQLALCHEMY_DATABASE_URI": url})
    yield app
    from portal.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_databases()


@pytest.mark.parametrize("args", [["load-content"], ["search", "ensure"], ["privacy", "purge"],
                                  ["staff", "create", "alice", "--role", "admin"], ["backup", "--out", "backups"]])
def test_a_command_before_db_upgrade_says_to_run_it(unmigrated, args, tmp_path, monkeypatch):
    """Each of these used to print a 30-line SQLAlchemy traceback ending in "no such table: work_item"."""
    monkeypatch.chdir(tmp_path)
    result = unmigrated.test_cli_runner().invoke(args=args, input="Xk29-long-pass-phrase!\n")
    assert result.exit_code == 1, result.output
    assert "flask --app wsgi db upgrade" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_health_is_ok_for_a_current_plan_of_any_size(tmp_path, app_factory):
    """/healthz counted the current plan's work points against 30, the 2023 notice's: the day next year's
    notice (here 3 work points) became the current plan, every node said "content: missing" with a 503."""
    import shutil

    from test_next_year_notices import SLUG, _published_2025

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    _published_2025(content, tmp_path)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN=SLUG)
    assert len(app.extensions["portal_content"].items) != 30
    r = app.test_client().get("/healthz")
    assert r.status_code == 200, r.get_json()


def test_health_tells_a_database_never_migrated_from_one_it_cannot_reach(app_factory, tmp_path):
    """A database with no tables (`flask --app wsgi db upgrade` never run) was reported "unavailable", as one
    that cannot be reached: the operator looked at the network and the password instead of the migration."""
    from portal import create_app

    migrated = app_factory()
    config = {k: migrated.config[k] for k in ("TESTING", "SECRET_KEY", "SEARCH_INDEX", "PORTAL_TODAY")}
    for url, says in ((f"sqlite:///{tmp_path / 'empty.db'}", "not migrated"),
                      (f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.db'}", "unavailable")):
        r = create_app({**config, "SQLALCHEMY_DATABASE_URI": url}).test_client().get("/healthz")
        assert r.status_code == 503 and r.get_json()["checks"]["database"] == says, (url, r.get_json())


def test_health_says_when_the_search_index_cannot_be_read(app_factory):
    """The search index was not looked at: with its folder gone or damaged, /healthz said "ok"."""
    import shutil

    from portal.search import index

    app = app_factory()
    client = app.test_client()
    with app.app_context():
        index.build()
    assert client.get("/healthz").get_json() == {
        "status": "ok", "checks": {"content": "ok", "database": "ok", "search_index": "ok"}}
    with app.app_context():
        shutil.rmtree(index.current_dir().resolve())
    # Pages still work and the next search rebuilds it: served (200), but not called "ok".
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "degraded"
    assert r.get_json()["checks"]["search_index"] == "unavailable"
    client.get("/zh/search?q=电梯")
    assert client.get("/healthz").get_json()["status"] == "ok"


def _healthy_index_segments(app_factory):
    """A client of a portal whose freshly built index /healthz calls ok, and that index's segment files."""
    from portal.search import index

    app = app_factory()
    client = app.test_client()
    with app.app_context():
        index.build()
        segments = sorted(index.current_dir().resolve().glob("*.seg"))
    assert segments and client.get("/healthz").get_json()["checks"]["search_index"] == "ok"
    return client, segments


@pytest.mark.parametrize("damage", ["truncate", "remove"])
def test_health_notices_a_damaged_segment_file(app_factory, damage):
    """/healthz read only the index's table of contents: with a segment file cut short or gone, it said
    "ok" until a resident's search failed on it (and repaired it)."""
    client, segments = _healthy_index_segments(app_factory)
    for segment in segments:
        if damage == "truncate":
            segment.write_bytes(segment.read_bytes()[:-1])
        else:
            segment.unlink()
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "degraded"
    assert r.get_json()["checks"]["search_index"] == "unavailable"
    client.get("/zh/search?q=电梯")
    assert client.get("/healthz").get_json()["status"] == "ok"


def _rewrite_in_place(path, data: bytes) -> None:
    """Over the same inode, at the same length. File times move in clock ticks of a few milliseconds: a
    rewrite within the tick that wrote the file keeps its mtime, so write until the time has moved."""
    before = path.stat().st_mtime_ns
    for _ in range(200):
        with open(path, "r+b") as f:
            f.write(data)
        if path.stat().st_mtime_ns != before:
            return
        time.sleep(0.005)
    raise AssertionError(f"{path}: mtime never moved")


def test_health_notices_a_segment_file_overwritten_at_the_same_length(app_factory):
    """The 12-byte header and the size say a segment file is whole, not that it is the one written: one
    overwritten in place at its own length (its header kept) said "ok". `search ensure` rebuilds it."""
    client, segments = _healthy_index_segments(app_factory)
    for segment in segments:
        data = segment.read_bytes()
        _rewrite_in_place(segment, data[:12] + bytes(len(data) - 12)[:-1] + data[-1:])
        assert segment.stat().st_size == len(data)
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["checks"]["search_index"] == "unavailable"
    from portal.search import index

    with client.application.app_context():
        assert index.ensure()
    assert client.get("/healthz").get_json()["status"] == "ok"


PRODUCTION = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 64,
              "PORTAL_PUBLIC_URL": "https://zj.example.gov.cn"}


@pytest.mark.parametrize("change, says", [
    ({"PORTAL_SECRET_KEY": "changeme"}, "PORTAL_SECRET_KEY is 8 characters"),
    ({"PORTAL_PUBLIC_URL": ""}, "PORTAL_PUBLIC_URL must be set"),
    ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG"),
    ({"PORTAL_TODAY": "2023-10-01"}, "PORTAL_TODAY"),
    ({"PORTAL_ENV": "Production "}, None),  # the same word, however typed
    ({"PORTAL_ENV": "prod"}, "PORTAL_ENV=prod"),
])
def test_production_refuses_an_unsafe_setting_saying_what_to_set(tmp_path, change, says):
    """Production started with a guessable secret key (anyone could sign a staff session), a debug flag, a
    demo's fixed date (every deadline wrong), or no public address (posters' QR codes printed with whatever
    address the printing clerk used); PORTAL_ENV=prod or Production was silently not production at all, so
    each node generated its own secret key."""
    from portal.config import ConfigError, Settings

    env = {**PRODUCTION, "PORTAL_INSTANCE_DIR": str(tmp_path), **change}
    if says is None:
        assert Settings(env).app_config()["SECRET_KEY"] == "k" * 64
        return
    with pytest.raises(ConfigError, match=says):
        Settings(env).app_config()
    assert not (tmp_path / "secret_key").exists()


def test_a_refused_setting_stops_the_server_with_one_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "FLASK_"))}
    env.update(PORTAL_ENV="production", PORTAL_INSTANCE_DIR=str(tmp_path / "instance"),
               PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}", PORTAL_SEARCH_INDEX=str(tmp_path / "ix"))
    started = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert started.returncode != 0 and "Traceback" not in started.stderr, started.stderr
    assert "PORTAL_SECRET_KEY must be set" in started.stderr and "PORTAL_PUBLIC_URL must be set" in started.stderr


def _unit_commands() -> dict[str, list[list[str]]]:
    """Each systemd service in deploy/: the `flask --app wsgi ...` arguments of its ExecStart lines."""
    import shlex

    units = {}
    for unit in sorted((ROOT / "deploy").glob("*.service")):
        commands = []
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith("ExecStart="):
                words = shlex.split(line.removeprefix("ExecStart="))
                if words[0].endswith("/gunicorn"):  # the web server (portal.service)
                    assert words[1:] == ["-c", "gunicorn.conf.py", "wsgi:app"], line
                    continue
                assert words[:3] == ["/srv/portal/.venv/bin/flask", "--app", "wsgi"], line
                commands.append(words[3:])
        if commands:
            units[unit.name] = commands
    return units


def test_every_timer_runs_a_command_that_exists(app_factory):
    """A renamed command or option would leave a timer failing every minute, seen only in the journal."""
    units = _unit_commands()
    assert units and all(units.values())
    for timer in (ROOT / "deploy").glob("*.timer"):
        assert timer.with_suffix(".service").name in units, f"{timer.name} starts no service in deploy/"
    runner = app_factory().test_cli_runner()
    for name, commands in units.items():
        for args in commands:
            result = runner.invoke(args=[*args, "--help"])
            assert result.exit_code == 0 and "Usage:" in result.output, f"{name}: {args}: {result.output}"


def test_the_daily_jobs_the_docs_ask_for_are_in_the_units():
    """docs/search.md says to purge the search log daily ("keep 90 days"), but no unit in deploy/ ran
    `search purge-log`: an operator who installed the timers kept residents' search words for ever. Nor did
    any take a backup: a town that installed what deploy/ offers had none."""
    run = {" ".join(args) for commands in _unit_commands().values() for args in commands}
    assert {"mail send-pending", "privacy purge", "search purge-log", "backup --out /var/backups/portal"} <= run
    # Each job its own unit: `privacy purge` and `search purge-log` shared one oneshot service, whose first
    # failing ExecStart skipped the next, so a purge that failed (a locked database) left the search log unpurged.
    assert {name: len(commands) for name, commands in _unit_commands().items() if len(commands) > 1} == {}
    timers_doc = (ROOT / "deploy" / "portal-timers.md").read_text(encoding="utf-8")
    for command in run:
        assert f"flask --app wsgi {command}" in timers_doc, command


def _documented_settings() -> set[str]:
    """The variables in docs/configuration.md's table; `PORTAL_SMTP_HOST`, `_PORT` stands for PORTAL_SMTP_PORT
    (the shorthand replaces as many trailing words as it has)."""
    import re

    names = set()
    for line in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        last = ""
        for name in re.findall(r"`([A-Z_][A-Z0-9_]*)`", line.split(" | ")[0]):
            if name.startswith("_"):
                words = last.split("_")
                name = "_".join(words[: len(words) - (name.count("_"))]) + name
            names.add(name)
            last = name
    return names


def _settings_read_by_the_code() -> set[str]:
    import re

    from portal.config import FROM_ENV

    names = {name for name, _kind, _default in FROM_ENV.values()}
    for source in [*(ROOT / "portal").rglob("*.py"), ROOT / "gunicorn.conf.py"]:
        names |= set(re.findall(r"""["'](PORTAL_[A-Z0-9_]+|PORT)["']""", source.read_text(encoding="utf-8")))
    return names


def test_every_setting_the_code_reads_is_documented_and_every_documented_one_is_read():
    """PORTAL_BIND_HOST, PORTAL_INSTANCE_DIR (several nodes), PORTAL_CONTENT_DIR, PORTAL_ACCESS_LOG and
    PORTAL_LOG_LEVEL were read but missing from docs/configuration.md, "the full list"."""
    documented, read = _documented_settings(), _settings_read_by_the_code()
    assert "PORTAL_SMTP_STARTTLS" in documented and "PORTAL_STAFF_SESSION_HOURS" in documented  # the shorthand
    assert read - documented == set(), "read by the code, missing from docs/configuration.md"
    assert documented - read == set(), "in docs/configuration.md, read by nothing"


def test_a_refused_recipient_leaves_no_address_in_the_journal(app_factory, smtp):
    """The mail timer prints each failure to stderr (the journal) and keeps it in mail_message.last_error: a
    server refusing a recipient answers with the address (SMTPRecipientsRefused names it, twice), so a
    resident's e-mail address ended up in the system log, kept long after privacy purge erased it."""
    from portal.extensions import db
    from portal.models import MailMessage
    from portal.services import follow

    async def refuse(server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"

    smtp.inbox.handle_RCPT = refuse
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
                      SMTP_FROM="portal@example.org", PUBLIC_URL="https://zj.example.gov.cn")
    with app.test_request_context():
        follow.subscribe("resident.name@example.org", "item", "2.3", "zh")
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert "1 failed" in result.output
    assert "550" in result.output and "resident.name@example.org" not in result.output
    with app.app_context():
        assert "resident.name@example.org" not in db.session.scalar(db.select(MailMessage.last_error))


def test_a_backup_restored_on_a_fresh_machine_brings_everything_back(app_factory, unmigrated, tmp_path):
    """The town's server died: a new checkout, an empty database, `flask restore`. Every table comes back
    row for row (comments and replies, history, accounts, audit log, uploaded sheets...), and search answers
    from the restored statuses without a separate `search build`."""
    from sqlalchemy import func, select

    from conftest import make_staff
    from portal.extensions import db
    from portal.search.query import search
    from portal.services import feedback
    from portal.services.progress import record_update
    from test_backup import _comment

    site = app_factory()
    make_staff(site, "clerk", "editor")
    _comment(site, "旧服务器上的留言，关于加装电梯。")
    with site.app_context():
        record_update("2.3", "in_progress", "进展说明。", "Progress note.", __import__("datetime").date(2023, 10, 1))
        feedback.submit("4.1", body="第二条留言，关于绿化。", kind="suggestion", ip="198.51.100.8", lang="zh")

    def rows(app):
        with app.app_context():
            out = {t.name: sorted(map(repr, db.session.execute(select(t)).all()))
                   for t in db.metadata.sorted_tables if t.name != "staff_session"}
            db.session.remove()
            return out

    before = rows(site)
    assert before["feedback"] and before["audit_log"] and before["status_update"] and before["staff_user"]
    result = site.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "b").glob("*.tar.gz"))

    result = unmigrated.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert rows(unmigrated) == before
    with unmigrated.app_context():
        assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["work_item"])) == 30
        assert "2.3" in {h.code for h in search(None, "zh", {"status": "in_progress"}).hits}


def test_gunicorn_keeps_no_control_socket_in_the_home_directory(app_factory, tmp_path):
    """gunicorn 25.1+ opens a control socket at $HOME/.gunicorn/gunicorn.ctl by default: two instances under one
    user (a second node, a test run beside the service) took it from each other, and the portal system user
    has no writable home, so every start logged a warning. Nothing here uses gunicornc: it is off."""
    from gunicorn_support import gunicorn

    home = tmp_path / "home"
    home.mkdir()
    with gunicorn(app_factory(), tmp_path, workers=1, HOME=str(home), XDG_RUNTIME_DIR="") as server:
        pass
    assert list(home.iterdir()) == [], server.log_text()


def test_access_logs_keep_no_phone_number_or_address_a_resident_searched_for(app_factory, tmp_path):
    """Residents search for their own comment by the phone number or e-mail they gave (services/search_log
    masks them for that reason), but gunicorn's and nginx's access logs wrote the whole request line and the
    Referer, query string included: every such number stayed in /var/log for as long as logs are kept."""
    import http.client

    from gunicorn_support import gunicorn
    from nginx_support import nginx

    app = app_factory()
    secrets_typed = ("13812345678", "resident%40example.org", "resident@example.org")
    # A tracking code, a follow link's confirm token and unsubscribe signature in a path are the key to a
    # resident's comment or subscription: whoever read the log could read, withdraw or unsubscribe.
    secret_paths = {"/zh/feedback/TRK7QX2M": "/zh/feedback/*", "/zh/feedback/TRK7QX2M/withdraw": "/zh/feedback/*/withdraw",
                    "/zh/follow/confirm/CONFIRMTOKEN9": "/zh/follow/confirm/*",
                    "/zh/follow/unsubscribe/7/UNSUBSIGNATURE9": "/zh/follow/unsubscribe/7/*"}
    with gunicorn(app, tmp_path, workers=1) as server, nginx(tmp_path, server.port) as port:
        for target in (server.port, port):
            conn = http.client.HTTPConnection("127.0.0.1", target, timeout=30)
            conn.request("GET", "/zh/search?q=13812345678%20%E7%94%B5%E6%A2%AF",
                         headers={"Referer": "http://127.0.0.1/zh/search?q=resident%40example.org"})
            answer = conn.getresponse()
            assert answer.status == 200
            answer.read()
            for path in secret_paths:
                conn.request("GET", path)
                conn.getresponse().read()
            conn.close()
    gunicorn_log = next(tmp_path.glob("access-*.log")).read_text(errors="replace")
    nginx_log = (tmp_path / "portal-access.log").read_text(errors="replace")
    assert gunicorn_log.count('"GET /zh/search') == 2 and '"GET /zh/search' in nginx_log  # the requests are logged
    for log in (gunicorn_log, nginx_log):
        assert not any(s in log for s in secrets_typed), log
        assert not any(s in log for s in ("TRK7QX2M", "CONFIRMTOKEN9", "UNSUBSIGNATURE9")), log
        assert all(f'"GET {masked} ' in log for masked in secret_paths.values()), log


def test_the_error_log_keeps_no_tracking_code_or_follow_token(app_factory):
    """An unhandled error on a resident's tracking page or a follow link wrote Flask's "Exception on
    /zh/feedback/TRK7QX2M [GET]" to the error log, code and token whole, though the access logs mask them."""
    import io
    import logging

    app = app_factory(PROPAGATE_EXCEPTIONS=False)  # as in production: logged and answered with the 500 page
    # Our own handler: migrations/env.py's fileConfig has replaced the root's (pytest's caplog among them) and
    # turned off the loggers that existed before it.
    app.logger.disabled = False
    log = io.StringIO()
    app.logger.addHandler(logging.StreamHandler(log))

    def broken(**_kwargs):
        raise RuntimeError("broken on purpose")

    for endpoint in ("feedback.track", "feedback.withdraw_reloaded", "follow.confirm", "follow.unsubscribe"):
        app.view_functions[endpoint] = broken
    client = app.test_client()
    paths = {"/zh/feedback/TRK7QX2M": "/zh/feedback/*", "/zh/feedback/TRK7QX2M/withdraw": "/zh/feedback/*/withdraw",
             "/zh/follow/confirm/CONFIRMTOKEN9": "/zh/follow/confirm/*",
             "/zh/follow/unsubscribe/7/UNSUBSIGNATURE9": "/zh/follow/unsubscribe/7/*"}
    for path in paths:
        assert client.get(path).status_code == 500
    logged = log.getvalue()
    assert not any(s in logged for s in ("TRK7QX2M", "CONFIRMTOKEN9", "UNSUBSIGNATURE9")), logged
    assert all(f"Exception on {masked} [GET]" in logged for masked in paths.values()), logged
    assert logged.count("RuntimeError: broken on purpose") == len(paths)  # the traceback is still there


def test_gunicorns_error_line_keeps_no_tracking_code_or_query(tmp_path):
    """When the app raises past Flask (inside a streamed body, say), a gunicorn worker logs "Error handling
    request GET <uri>" (gunicorn/workers/base.py, handle_error) with the whole URI: a tracking code in the path,
    a phone number in the query string."""
    import io
    import logging

    from gunicorn.config import Config

    from portal.gunicorn_logging import AccessLogger

    logger = AccessLogger(Config())
    log = io.StringIO()
    logger.error_log.addHandler(logging.StreamHandler(log))
    try:
        raise RuntimeError("broken on purpose")
    except RuntimeError:
        logger.exception("Error handling request %s %s", "GET", "/zh/feedback/TRK7QX2M?q=13812345678")
        logger.exception("Error handling request %s", "/zh/search?q=13812345678")
    logged = log.getvalue()
    assert "TRK7QX2M" not in logged and "13812345678" not in logged, logged
    assert "Error handling request GET /zh/feedback/*\n" in logged and "Error handling request /zh/search\n" in logged
    assert logged.count("RuntimeError: broken on purpose") == 2


def test_gunicorn_runs_one_worker_per_core_by_default(monkeypatch):
    # Two workers a core took turns on the cores: fewer searches a second and a longer tail (gunicorn.conf.py).
    import runpy

    monkeypatch.delenv("PORTAL_WORKERS", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == len(os.sched_getaffinity(0))
    assert settings["worker_class"] == "gthread" and settings["threads"] == 4
    monkeypatch.setenv("PORTAL_WORKERS", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3
