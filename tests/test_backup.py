"""`flask backup` / `flask restore`: back up, change data, restore, and find the data as it was."""
from __future__ import annotations

import shutil
import tarfile
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import ROOT


@pytest.fixture
def site(app_factory, tmp_path):
    """An app on its own copy of content/, so a restore with --content touches nothing of the repo."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return app_factory(CONTENT_DIR=str(content))


def _comment(app, body: str, ip: str = "198.51.100.7") -> str:
    from portal.services import feedback

    with app.app_context():
        return feedback.submit("2.3", body=body, kind="question", ip=ip, lang="zh").feedback.tracking_code


def _state(app) -> dict:
    from portal.extensions import db
    from portal.models import Feedback, StaffUser, StatusUpdate, WorkItem

    with app.app_context():
        out = {
            "comments": sorted(db.session.scalars(select(Feedback.tracking_code))),
            "updates": db.session.scalar(select(func.count(StatusUpdate.id))),
            "status": db.session.scalar(select(WorkItem.current_status).where(WorkItem.code == "2.3")),
            "staff": sorted(db.session.scalars(select(StaffUser.username))),
        }
        db.session.remove()
    return out


def _record(app, status: str) -> None:
    from portal.services.progress import record_update

    with app.app_context():
        record_update("2.3", status, "进展说明。", "Progress note.", date(2023, 10, 1))


def test_backup_change_restore(site, tmp_path):
    from conftest import make_staff

    make_staff(site, "before-backup", "editor")
    _comment(site, "备份之前的留言，关于加装电梯。")
    _record(site, "in_progress")
    before = _state(site)
    runner = site.test_cli_runner()

    result = runner.invoke(args=["backup", "--out", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "backups").glob("portal-backup-*.tar.gz"))
    assert "backup written" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert any(n.endswith("/manifest.json") for n in names)
    assert any(n.endswith("/content/plans/2023-city-management/notice.txt") for n in names)
    assert any(n.endswith(("/database.sqlite3", "/database.pgdump")) for n in names)

    # Life goes on after the backup: new comments, a new status, a new account, an edited content file.
    _comment(site, "备份之后的留言，不应在恢复后出现。")
    _record(site, "completed")
    make_staff(site, "after-backup", "admin")
    notice = Path(site.config["CONTENT_DIR"]) / "glossary.yaml"
    original_text = notice.read_text(encoding="utf-8")
    notice.write_text(original_text + "\n# edited after the backup\n", encoding="utf-8")
    assert _state(site) != before

    result = runner.invoke(args=["restore", str(archive), "--yes", "--content"])
    assert result.exit_code == 0, result.output
    assert _state(site) == before
    assert notice.read_text(encoding="utf-8") == original_text
    assert list(Path(site.config["CONTENT_DIR"]).parent.glob("content.before-restore-*"))  # the replaced copy is kept

    # The search index follows the restored statuses.
    from portal.search.query import search

    with site.app_context():
        assert "2.3" in {h.code for h in search(None, "zh", {"status": "in_progress"}).hits}
        assert search(None, "zh", {"status": "completed"}).total == 0


def test_restore_asks_first_and_refuses_a_damaged_archive(site, tmp_path):
    runner = site.test_cli_runner()
    runner.invoke(args=["backup", "--out", str(tmp_path)])
    archive = next(tmp_path.glob("portal-backup-*.tar.gz"))
    _comment(site, "恢复被取消时这条留言应当保留。")
    declined = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert declined.exit_code != 0
    assert len(_state(site)["comments"]) == 1

    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[:-200])
    refused = runner.invoke(args=["restore", str(broken), "--yes"])
    assert refused.exit_code != 0
    assert len(_state(site)["comments"]) == 1  # nothing was half-restored


def test_backup_and_restore_speak_chinese_in_a_chinese_terminal(site, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    runner = site.test_cli_runner()
    assert "备份已写入：" in runner.invoke(args=["backup", "--out", str(tmp_path)]).output
    archive = next(tmp_path.glob("portal-backup-*.tar.gz"))
    declined = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert declined.exit_code != 0 and "的备份替换当前数据库？" in declined.output
    assert "已中止！" in declined.output  # click's own word, from our catalog (portal/click_words.py)


def test_backup_is_consistent_while_comments_are_written(site, tmp_path):
    """The copy is a snapshot: it passes its integrity check and holds exactly the rows its manifest counts."""
    from portal.backup import create_backup, read_manifest

    stop = threading.Event()
    written = []

    def writer():
        n = 0
        while not stop.is_set() and n < 400:
            written.append(_comment(site, f"写入中的第{n}条留言，备份不能只拷一半。", ip=f"203.0.113.{n % 250}"))
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with site.app_context():
            archives = [create_backup(tmp_path / "b") for _ in range(3)]
    finally:
        stop.set()
        thread.join(60)
    counts = [read_manifest(a)["database"]["rows"]["feedback"] for a in archives]
    assert counts == sorted(counts) and counts[-1] <= len(written)
    if site.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        import sqlite3

        for archive in archives:
            with tarfile.open(archive) as tar:
                tar.extractall(tmp_path / "x" / archive.stem, filter="data")
            copy = next((tmp_path / "x" / archive.stem).rglob("database.sqlite3"))
            conn = sqlite3.connect(copy)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == read_manifest(archive)["database"]["rows"]["feedback"]
            conn.close()


def _head(app) -> str:
    from alembic.script import ScriptDirectory

    with app.app_context():
        return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()


def _revision(app) -> str:
    from sqlalchemy import text

    from portal.extensions import db

    with app.app_context():
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_a_backup_of_an_earlier_release_is_brought_up_to_date(site, tmp_path):
    """Restored with this release's code, an older backup's tables are upgraded, and the site serves it."""
    from flask_migrate import downgrade, upgrade

    code = _comment(site, "旧版本备份里的留言。")
    runner = site.test_cli_runner()
    with site.app_context():
        downgrade(directory=site.extensions["migrate"].directory, revision="-1")
    older = _revision(site)
    assert older != _head(site)
    assert runner.invoke(args=["backup", "--out", str(tmp_path)]).exit_code == 0
    archive = next(tmp_path.glob("portal-backup-*.tar.gz"))
    with site.app_context():
        upgrade(directory=site.extensions["migrate"].directory)

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _revision(site) == _head(site)
    assert code in _state(site)["comments"]
    assert site.test_client().get("/zh/plans/2023-city-management/items/2.3").status_code == 200


def _copy_of(archive: Path, out: Path, edit=lambda name, data: data, keep=lambda name: True) -> Path:
    """A copy of a backup archive with each kept file's bytes passed through edit(name, data)."""
    import io

    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            if not keep(member.name):
                continue
            data = src.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = edit(member.name, data)
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    return out


def test_a_backup_of_a_newer_release_is_refused_before_anything_changes(site, tmp_path):
    import json

    def later_release(name: str, data: bytes) -> bytes:
        if not name.endswith("/manifest.json"):
            return data
        manifest = json.loads(data)
        # Where create_backup writes it (the test had set a key of its own at the top, never read from a real
        # archive, and passed while a real newer release's backup was restored over the live database).
        manifest["database"]["alembic_revision"] = "a_later_release"
        return json.dumps(manifest).encode()

    runner = site.test_cli_runner()
    runner.invoke(args=["backup", "--out", str(tmp_path)])
    archive = next(tmp_path.glob("portal-backup-*.tar.gz"))
    newer = _copy_of(archive, tmp_path / "newer.tar.gz", edit=later_release)
    _comment(site, "恢复被拒绝时这条留言应当保留。")
    refused = runner.invoke(args=["restore", str(newer), "--yes"])
    assert refused.exit_code != 0 and "newer release" in refused.output
    assert len(_state(site)["comments"]) == 1


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not-gzip"])
def test_a_damaged_archive_is_refused_with_a_reason_and_nothing_changes(site, tmp_path, damage):
    """A truncated copy (a full disk, an interrupted scp) used to end in click's bare "Aborted!", as if the
    operator had said no, and a flipped byte or a wrong file in a traceback."""
    runner = site.test_cli_runner()
    runner.invoke(args=["backup", "--out", str(tmp_path)])
    archive = next(tmp_path.glob("portal-backup-*.tar.gz"))
    _comment(site, "恢复失败时这条留言应当保留。")
    data = bytearray(archive.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":
        data[len(data) // 2] ^= 0xFF
    else:
        data = bytearray(b"not a backup\n")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(bytes(data))
    refused = runner.invoke(args=["restore", str(broken), "--yes"])
    assert refused.exit_code == 1 and not isinstance(refused.exception, (EOFError, tarfile.TarError, OSError))
    assert "damaged or incomplete" in refused.output and "Aborted" not in refused.output
    assert len(_state(site)["comments"]) == 1


def test_a_backup_is_readable_by_its_owner_only(site, tmp_path):
    """A backup holds residents' contacts and staff password hashes; it was written with the umask's
    -rw-r--r--, so every account on the server could read it."""
    import os

    old = os.umask(0o022)
    try:
        result = site.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "b")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "b").glob("portal-backup-*.tar.gz"))
    assert archive.stat().st_mode & 0o077 == 0, oct(archive.stat().st_mode)


def test_restores_question_is_answered_in_the_terminals_language(site, tmp_path, monkeypatch):
    """Click builds its "[y/N]" itself, outside its catalog, and takes only y/yes/n/no: a Chinese terminal asked
    in Chinese, then showed an English hint, and a staff member who answered 是 was told 错误：输入无效."""
    runner = site.test_cli_runner()
    runner.invoke(args=["backup", "--out", str(tmp_path)])
    archive = next(tmp_path.glob("portal-backup-*.tar.gz"))
    zh = {"LANG": "zh_CN.UTF-8"}
    for answer in ("\n", "n\n", "否\n", "算了\n"):  # anything but yes keeps the database
        declined = runner.invoke(args=["restore", str(archive)], input=answer, env=zh)
        assert declined.exit_code == 1 and "已中止！" in declined.output, declined.output
        assert "[y/N]" not in declined.output and "输入 y 或“是”确认" in declined.output, declined.output
    english = runner.invoke(args=["restore", str(archive)], input="no\n", env={"LANG": "en_US.UTF-8"})
    assert english.exit_code == 1 and "? [y/N]: " in english.output and "Aborted!" in english.output
    for answer in ("是\n", "Y\n"):
        assert runner.invoke(args=["restore", str(archive)], input=answer, env=zh).exit_code == 0
    assert runner.invoke(args=["restore", str(archive)], input="yes\n", env={"LANG": "en_US.UTF-8"}).exit_code == 0


def test_content_that_this_release_cannot_load_is_refused_before_anything_changes(site, tmp_path):
    """A backup taken before plans had folders (content/items/, content/notice.txt) restored --content under
    this release: the database and content/ were both replaced, then loading the old layout crashed with a
    traceback and the site no longer started."""
    runner = site.test_cli_runner()
    runner.invoke(args=["backup", "--out", str(tmp_path)])
    archive = next(tmp_path.glob("portal-backup-*.tar.gz"))
    # No plan folder any more: what an older release's content is.
    old_layout = _copy_of(archive, tmp_path / "old-layout.tar.gz", keep=lambda name: not name.endswith("/plan.yaml"))
    content = Path(site.config["CONTENT_DIR"])
    before = sorted(p.relative_to(content).as_posix() for p in content.rglob("*"))
    _comment(site, "恢复被拒绝时这条留言应当保留。")
    refused = runner.invoke(args=["restore", str(old_layout), "--content", "--yes"])
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit), refused.exception
    assert "plan.yaml" in refused.output and "nothing was changed" in refused.output, refused.output
    assert len(_state(site)["comments"]) == 1
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*")) == before
    assert not list(content.parent.glob("content.before-restore-*"))


def test_pg_dump_and_psql_get_every_connection_setting_of_the_url():
    """Host, port and TLS settings written in the URL's query (as libpq and psycopg read them) were dropped:
    pg_dump went to the default socket ("Peer authentication failed"), or checked the server's certificate
    less than the site does. The password stays out of the command line."""
    from urllib.parse import parse_qs, urlsplit

    from portal.backup import _libpq

    args, env = _libpq("postgresql+psycopg://portal:s3cret%40x@/portal?host=/var/run/postgresql&port=5433"
                       "&sslmode=verify-full&sslrootcert=/etc/ssl/certs/db-ca.pem")
    assert args[0] == "--dbname" and len(args) == 2 and "s3cret" not in args[1]
    parts = urlsplit(args[1])
    assert parts.scheme == "postgresql" and parts.path == "/portal" and parts.username == "portal"
    assert parse_qs(parts.query) == {"host": ["/var/run/postgresql"], "port": ["5433"], "sslmode": ["verify-full"],
                                     "sslrootcert": ["/etc/ssl/certs/db-ca.pem"]}
    assert env["PGPASSWORD"] == "s3cret@x"


def test_a_relative_sqlite_url_backs_up_the_database_the_site_uses(app_factory, tmp_path, monkeypatch):
    """PORTAL_DATABASE_URL=sqlite:///portal.db: Flask-SQLAlchemy opens it in the app's instance folder, but the
    backup opened the same words from the working directory, where sqlite3 made a new empty file, and wrote
    "backup written (0 rows in 0 tables)" with exit 0: a daily backup of nothing."""
    import uuid

    from portal.extensions import db

    name = f"test-relative-{uuid.uuid4().hex}.db"
    monkeypatch.chdir(tmp_path)
    site = app_factory(database_url=f"sqlite:///{name}")
    with site.app_context():
        used = Path(db.engine.url.database)
    try:
        code = _comment(site, "相对路径数据库里的留言。")
        result = site.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "b")])
        assert result.exit_code == 0, result.output
        assert "(0 rows" not in result.output, result.output
        assert not (tmp_path / name).exists()  # no stray empty database where the command was run
        with site.app_context():
            db.session.remove()
        _comment(site, "备份之后的留言。", ip="198.51.100.9")
        restored = site.test_cli_runner().invoke(args=["restore", str(next((tmp_path / "b").glob("*.tar.gz"))), "--yes"])
        assert restored.exit_code == 0, restored.output
        assert _state(site)["comments"] == [code]
    finally:
        with site.app_context():
            db.session.remove()
            db.engine.dispose()
        for leftover in used.parent.glob(f"{name}*"):
            leftover.unlink()


@pytest.mark.parametrize("manifest", ["{}", "[1, 2]", '{"created_at": "2026-01-01", "database": {"kind": "sqlite", '
                                      '"file": "../../portal.db", "sha256": "0", "rows": {}}}'])
def test_a_tarball_with_someone_elses_manifest_is_refused_with_a_reason(site, tmp_path, manifest):
    """Another tool's manifest.json (or one edited by hand) ended in a KeyError or TypeError traceback."""
    folder = tmp_path / "other" / "backup"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(manifest)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        tar.add(folder, arcname="backup")
    _comment(site, "恢复被拒绝时这条留言应当保留。")
    refused = site.test_cli_runner().invoke(args=["restore", str(other), "--yes"])
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit), refused.exception
    assert "not a portal backup" in refused.output
    assert len(_state(site)["comments"]) == 1


def test_the_work_folder_of_a_killed_backup_is_removed_the_next_day(site, tmp_path):
    """A backup killed halfway left its work folder, holding a whole copy of the database, where the 30-day
    deletion (portal-backup-*.tar.gz) never looks: residents' contacts kept for good."""
    import os
    import time

    from portal.backup import PARTIAL_PREFIX

    out = tmp_path / "b"
    out.mkdir()
    abandoned, running = out / f"{PARTIAL_PREFIX}killed", out / f"{PARTIAL_PREFIX}running"
    for folder in (abandoned, running):
        folder.mkdir()
        (folder / "database.sqlite3").write_bytes(b"contacts")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (two_days_ago, two_days_ago))
    assert site.test_cli_runner().invoke(args=["backup", "--out", str(out)]).exit_code == 0
    assert not abandoned.exists() and running.exists()
    assert len(list(out.glob("portal-backup-*.tar.gz"))) == 1
