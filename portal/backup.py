"""Backup and restore: one timestamped tarball holding a consistent copy of the database and the
content directory, with a manifest of what is inside.

SQLite is copied with its online backup API (a consistent snapshot while the site keeps serving and
writing). PostgreSQL is dumped with `pg_dump --format=custom` from an exported snapshot, so the row
counts in the manifest and the dump describe the same moment; `pg_restore` brings it back.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
import time
import zlib
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask_babel import gettext
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, make_url

from .extensions import db

# subprocess runs only pg_dump, pg_restore and psql, with argument lists and never a shell.
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"
PARTIAL_PREFIX = ".portal-backup-partial-"
ABANDONED_AFTER_SECONDS = 24 * 3600  # far longer than any backup runs; a younger one may still be running


class BackupError(RuntimeError):
    pass


def _dialect() -> str:
    return db.engine.dialect.name


def _sqlite_path() -> Path:
    # The engine's URL, not the setting: Flask-SQLAlchemy puts a relative path (sqlite:///portal.db) in the app's
    # instance folder, and the setting's words, read from the working directory, named a file that did not
    # exist, which sqlite3 then made empty: a backup of nothing, or a restore into a file the site never reads.
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError(gettext("an in-memory SQLite database cannot be backed up"))
    return Path(database.removeprefix("file:").split("?")[0])


def _libpq(url_text: str) -> tuple[list[str], dict[str, str]]:
    """pg_dump/psql connection arguments; the password goes in the environment, not on the command line.

    The whole URL as a libpq URI, its query included: psycopg hands libpq what the query holds (host and port
    for a socket or a second server, sslmode, sslrootcert …), and when only database, host, port and user were
    passed on, pg_dump connected elsewhere (the default socket: "Peer authentication failed") or with less
    TLS checking than the site itself."""
    url = make_url(url_text)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    libpq = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)
    return ["--dbname", libpq.render_as_string(hide_password=False)], env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(gettext("%(program)s is not installed (Debian: apt-get install postgresql-client)",
                                  program=name))
    return path


def _table_counts(conn) -> dict[str, int]:
    # The tables the database has, not all this release knows: a backup is taken before `flask db upgrade`
    # too, by new code over the previous release's tables.
    present = set(inspect(conn).get_table_names())
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables if t.name in present}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump_sqlite(dest: Path) -> dict[str, int]:
    source = sqlite3.connect(_sqlite_path(), timeout=30)
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)  # page by page, restarting if a writer changes the source meanwhile
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(gettext("the copy failed SQLite's integrity check: %(result)s", result=check))
        finally:
            target.close()
    finally:
        source.close()
    copy = create_engine(f"sqlite:///{dest}")
    try:
        with copy.connect() as conn:
            return _table_counts(conn)
    finally:
        copy.dispose()


def _dump_postgres(dest: Path) -> dict[str, int]:
    args, env = _libpq(current_app.config["SQLALCHEMY_DATABASE_URI"])
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = _table_counts(conn)
            subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",  # nosec B603
                            f"--snapshot={snapshot}", "--file", str(dest), *args], env=env, check=True,
                           capture_output=True, text=True)
    return counts


def _remove_abandoned(out: Path) -> None:
    """The work folder of a backup killed halfway (a reboot, the OOM killer) is not a portal-backup-*.tar.gz, so the
    30-day deletion never reached it, and the full copy of the database in it kept residents' contacts for good."""
    for folder in out.glob(f"{PARTIAL_PREFIX}*"):
        if folder.is_dir() and time.time() - folder.stat().st_mtime > ABANDONED_AFTER_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def create_backup(out_dir: str | Path) -> Path:
    """Write portal-backup-<UTC stamp>.tar.gz into out_dir and return its path."""
    out = Path(out_dir)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    name = f"portal-backup-{stamp}"
    content_dir = Path(current_app.config["CONTENT_DIR"])
    _remove_abandoned(out)
    with tempfile.TemporaryDirectory(dir=out, prefix=PARTIAL_PREFIX) as tmp:
        work = Path(tmp) / name
        work.mkdir()
        dialect = _dialect()
        try:
            if dialect == "sqlite":
                db_file, counts = SQLITE_NAME, _dump_sqlite(work / SQLITE_NAME)
            elif dialect == "postgresql":
                db_file, counts = PG_NAME, _dump_postgres(work / PG_NAME)
            else:
                raise BackupError(gettext("no backup method for %(dialect)s", dialect=dialect))
        except subprocess.CalledProcessError as exc:
            raise BackupError(gettext("%(program)s failed: %(why)s", program="pg_dump",
                                      why=exc.stderr.strip())) from None
        shutil.copytree(content_dir, work / "content")
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        manifest = {
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": {"kind": dialect, "file": db_file, "sha256": _sha256(work / db_file),
                         "alembic_revision": revision, "rows": counts},
            "content_files": sorted(p.relative_to(work / "content").as_posix()
                                    for p in (work / "content").rglob("*") if p.is_file()),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        partial = Path(tmp) / f"{name}.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work, arcname=name)
        # Residents' contacts and staff password hashes: for the account that runs the portal only.
        partial.chmod(0o600)
        final = out / f"{name}.tar.gz"
        if final.exists():  # two backups in the same second
            final = out / f"{name}-{time.monotonic_ns() % 10**6}.tar.gz"
        os.replace(partial, final)  # a backup file either is complete or is not there
    return final


@contextmanager
def _reading(archive: str | Path):
    """The archive open for reading. A truncated, corrupted or foreign file fails as it is read (EOFError
    from gzip, which click would have shown as a bare "Aborted!", or a traceback): refused with a reason."""
    try:
        # Read to the end first: only there does gzip check its CRC and length, and tarfile takes a
        # damaged header for the end of the archive ("no manifest.json") rather than for damage.
        with gzip.open(archive) as whole:
            while whole.read(1 << 20):
                pass
        with tarfile.open(archive, "r:gz") as tar:
            yield tar
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(gettext("%(archive)s is damaged or incomplete (%(why)s); nothing was changed",
                                  archive=archive, why=exc)) from None


def read_manifest(archive: str | Path) -> dict:
    with _reading(archive) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("/manifest.json")), None)
        if member is None:
            raise BackupError(gettext("%(archive)s: no manifest.json; not a portal backup", archive=archive))
        return _checked(json.loads(tar.extractfile(member).read()), archive)


def _checked(manifest, archive: str | Path) -> dict:
    """A manifest.json of another tool, or edited by hand, ended in a KeyError or TypeError traceback."""
    database = manifest.get("database") if isinstance(manifest, dict) else None
    fits = (isinstance(database, dict) and isinstance(manifest.get("created_at"), str)
            and database.get("file") in (SQLITE_NAME, PG_NAME)  # never a path out of the unpacked folder
            and all(isinstance(database.get(key), str) for key in ("kind", "sha256"))
            and isinstance(database.get("rows"), dict))
    if not fits:
        raise BackupError(gettext("%(archive)s: unexpected layout; not a portal backup", archive=archive))
    return manifest


def _unpack(archive: Path, into: Path) -> Path:
    with _reading(archive) as tar:
        for member in tar.getmembers():
            if member.name.startswith("/") or ".." in Path(member.name).parts or not (member.isfile() or member.isdir()):
                raise BackupError(gettext("%(archive)s: unsafe entry %(entry)s; not a portal backup", archive=archive,
                                          entry=repr(member.name)))
        # Every entry was checked above: plain files and folders, all inside `into`.
        tar.extractall(into)  # nosec B202
    folders = [p for p in into.iterdir() if p.is_dir()]
    if len(folders) != 1 or not (folders[0] / "manifest.json").exists():
        raise BackupError(gettext("%(archive)s: unexpected layout; not a portal backup", archive=archive))
    return folders[0]


def restore_backup(archive: str | Path, with_content: bool = False) -> dict:
    """Replace the database (and, if asked, the content directory) with the backup's copy.

    Stop the web server first: connections it holds would keep serving the old data until restarted.
    """
    archive = Path(archive)
    with tempfile.TemporaryDirectory() as tmp:
        folder = _unpack(archive, Path(tmp))
        manifest = _checked(json.loads((folder / "manifest.json").read_text()), archive)
        info = manifest["database"]
        db_file = folder / info["file"]
        if _sha256(db_file) != info["sha256"]:
            raise BackupError(gettext("%(archive)s: the database copy does not match its checksum", archive=archive))
        dialect = _dialect()
        if info["kind"] != dialect:
            raise BackupError(gettext("%(archive)s holds a %(kind)s database; this site uses %(dialect)s",
                                      archive=archive, kind=info["kind"], dialect=dialect))
        _check_revision(archive, info.get("alembic_revision"))
        if with_content:
            _check_content(archive, folder / "content")
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            source = sqlite3.connect(db_file)
            target = sqlite3.connect(_sqlite_path(), timeout=30)
            try:
                source.backup(target)  # one write transaction on the live file: all or nothing
            finally:
                target.close()
                source.close()
        else:
            _pg_restore(db_file, Path(tmp))
        if with_content:
            content_dir = Path(current_app.config["CONTENT_DIR"])
            kept = content_dir.with_name(f"{content_dir.name}.before-restore-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}")
            if content_dir.exists():
                content_dir.rename(kept)
            shutil.copytree(folder / "content", content_dir)
        _drop_tables_newer_than(info["rows"])
        with db.engine.connect() as conn:
            rows = _table_counts(conn)
    if rows != info["rows"]:
        raise BackupError(gettext("restored row counts %(rows)s differ from the backup's %(expected)s", rows=rows,
                                  expected=info["rows"]))
    # A backup taken by an earlier release holds that release's tables: bring them to this release's, as
    # `flask db upgrade` does after a deploy (a no-op for a backup of this release).
    upgrade(directory=current_app.extensions["migrate"].directory)
    return manifest


# Run first, in the restore's own transaction. pg_restore --clean drops only what the dump holds: a foreign key
# that a later release added to a table both hold (staff_draft.staff_id → staff_user) still pointed at a key
# the restore had to drop, and the whole restore failed. The dump brings back its own foreign keys.
_DROP_FOREIGN_KEYS = """
DO $$
DECLARE fk record;
BEGIN
  FOR fk IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
            WHERE contype = 'f' AND connamespace = current_schema()::regnamespace LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
  END LOOP;
END $$;
"""


def _pg_restore(dump: Path, work: Path) -> None:
    """The dump in place of the live database, in one transaction: all or nothing."""
    args, env = _libpq(current_app.config["SQLALCHEMY_DATABASE_URI"])
    first, script = work / "drop-foreign-keys.sql", work / "restore.sql"
    first.write_text(_DROP_FOREIGN_KEYS, encoding="utf-8")
    steps = [("pg_restore", [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                             "--file", str(script), str(dump)]),
             ("psql", [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1",
                       *args, "--file", str(first), "--file", str(script)])]
    for program, command in steps:
        try:
            subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # nosec B603
        except subprocess.CalledProcessError as exc:
            raise BackupError(gettext("%(program)s failed: %(why)s", program=program, why=exc.stderr.strip())) from None


def _drop_tables_newer_than(backed_up: dict[str, int]) -> None:
    """Tables of this release that the backup (of an earlier one) does not hold. pg_restore --clean drops
    only what the dump holds, so they outlived the restore, and the upgrade that follows failed creating
    them again. (SQLite's copy replaces the whole file.) The upgrade makes them anew, empty."""
    cascade = " CASCADE" if _dialect() == "postgresql" else ""
    with db.engine.begin() as conn:
        for name in set(inspect(conn).get_table_names()) - set(backed_up):
            if name in db.metadata.tables:
                conn.execute(text(f'DROP TABLE "{name}"{cascade}'))  # nosec B608: a name of our own metadata


def _check_content(archive: Path, content: Path) -> None:
    """Refuse, before anything is replaced, content this release cannot load (a backup's from before a change of
    layout, such as content/items/ before plans had folders): it replaced content/ and the database, then the
    load crashed and the site no longer started."""
    from .content import ContentError, load_plans

    try:
        load_plans(content, current_app.config.get("CURRENT_PLAN"))
    except ContentError as exc:
        raise BackupError(gettext("%(archive)s: its content does not load with this release (%(why)s); nothing was "
                                  "changed. Restore without --content, or install the release that took it",
                                  archive=archive, why=exc)) from None


def _check_revision(archive: Path, revision: str | None) -> None:
    """Refuse, before anything is replaced, a backup whose tables this release does not know (one taken by
    a newer release): install that release first."""
    if revision is None:
        return
    config = current_app.extensions["migrate"].migrate.get_config()
    try:
        ScriptDirectory.from_config(config).get_revision(revision)
    except CommandError:
        raise BackupError(gettext("%(archive)s was taken by a newer release of the portal (database revision "
                                  "%(revision)s); install that release, then restore", archive=archive,
                                  revision=revision)) from None
