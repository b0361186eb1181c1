"""The Whoosh index: built into a fresh directory and swapped in atomically, updated per item.

Layout: <SEARCH_INDEX>/current -> a symlink to <SEARCH_INDEX>/build-<stamp>/, plus meta.json inside
each build with the fingerprint of the content and data it was made from, and files.json with each index
file's size, mtime and inode as written (opens(), for /healthz).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext
from sqlalchemy import func, select, tuple_
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import _DEF_INDEX_NAME as DEFAULT_INDEX_NAME
from whoosh.index import TOC, LockError
from whoosh.util.filelock import FileLock
from whoosh.writing import MERGE_SMALL
from whoosh.filedb.filestore import FileStorage

from ..extensions import db
from ..models import Feedback, StatusUpdate, WorkItem
from ..services.content import registry
from ..states import ModerationState
from .analysis import bigram_analyzer, chinese_analyzer, english_analyzer, summary_analyzer, words_and_stems

log = logging.getLogger(__name__)
SCHEMA_VERSION = "8"  # bump when the fields or what the analyzers keep change: a node then rebuilds
PROGRESS_EVERY = 500
_SEGMENT_HEADER = struct.Struct("!qi")  # a compound segment file's directory position and length
MAX_SEGMENTS = 10  # per-item updates leave small segments; more than this and they are merged
# A searcher opened on the previous build finishes within milliseconds; a minute is plenty.
KEEP_OLD_BUILD_SECONDS = 60
# A build without meta.json this old was abandoned (its process died); younger, it may be in progress.
ABANDONED_BUILD_SECONDS = 3600


@dataclass
class IndexState:
    """Per app: its index directory's writers within this process, and when it was last compared."""
    # Re-entrant: update_items holds it and open_index takes it again to rebuild a missing index.
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    check_lock: threading.Lock = field(default_factory=threading.Lock)
    checked_at: float = float("-inf")
    # The generation searches read from, with the term scores read so far (ranking.py).
    generation: object | None = None
    generation_lock: threading.Lock = field(default_factory=threading.Lock)


STATE_KEY = "portal.search_index"


def init_state(app) -> None:
    app.extensions[STATE_KEY] = IndexState()


def _state() -> IndexState:
    return current_app.extensions[STATE_KEY]


def make_schema() -> Schema:
    # No positions anywhere (phrase=False): search builds term queries only, and positions were a
    # large part of what a build writes. Comments arrive already summarised per item (one entry per
    # distinct word, see summarise_comments), so their fields only split on spaces.
    return Schema(
        key=ID(stored=True, unique=True),  # "<plan>/<code>": a code is unique within its plan only
        plan=ID(stored=True),
        code=ID(stored=True),
        section=ID(stored=True),
        offices=KEYWORD(stored=True, commas=True),
        month=ID(stored=True),
        places=KEYWORD(stored=True, commas=True),
        status=ID(stored=True),
        code_text=KEYWORD(),
        title_zh=TEXT(analyzer=chinese_analyzer(), field_boost=3.0, phrase=False),
        title_en=TEXT(analyzer=english_analyzer(), field_boost=3.0, phrase=False),
        title_bg=TEXT(analyzer=bigram_analyzer(), field_boost=2.0, phrase=False),
        zh=TEXT(analyzer=chinese_analyzer(), phrase=False),
        zh_bg=TEXT(analyzer=bigram_analyzer(), phrase=False),
        en=TEXT(analyzer=english_analyzer(), phrase=False),
        comments_zh=TEXT(analyzer=summary_analyzer(), field_boost=0.5, phrase=False),
        comments_en=TEXT(analyzer=summary_analyzer(), field_boost=0.5, phrase=False),
        meta=STORED(),
    )


def doc_key(plan: str, code: str) -> str:
    """The index holds every served plan's work points, each under "<plan>/<code>"."""
    return f"{plan}/{code}"


def split_key(key: str) -> tuple[str, str]:
    plan, _, code = key.partition("/")
    return plan, code


def _served() -> list[str]:
    return list(registry().stores)


def _pairs(keys: list[str]) -> list[tuple[str, str]]:
    return [split_key(k) for k in keys]


def _root() -> Path:
    return Path(current_app.config["SEARCH_INDEX"])


def current_path(app: Flask | None = None) -> str:
    """Where `current` is, as a string: a search checks it on every request, where pathlib costs more.
    `app`: the application, for a caller that has it already (each read of current_app goes through a LocalProxy)."""
    return os.path.join((app or current_app).config["SEARCH_INDEX"], "current")


def current_dir() -> Path:
    return Path(current_path())


def content_fingerprint() -> str:
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    root = Path(current_app.config["CONTENT_DIR"])
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def item_signatures(codes: list[str] | None = None) -> dict[str, str]:
    # `codes` are document keys ("<plan>/<code>"), and so are the keys of the answer.
    """Per work point, aggregates that move whenever what the index holds for it changes: its status,
    its status notes (never edited: a correction is a new entry), its published comments (their public
    text rewritten in place, as `flask privacy purge` re-masks it, moves the sum of their revisions, which
    the database counts up: models.Feedback.public_revision). Three small queries, so a node can afford to compare
    them with its index every few seconds and re-index only the items another node changed; with
    `codes`, only those items (re-indexing one item must not aggregate every comment on the site)."""
    items, updates_q, comments_q = (
        select(WorkItem.plan, WorkItem.code, WorkItem.current_status, WorkItem.status_updated_at)
        .where(WorkItem.plan.in_(_served())),
        select(StatusUpdate.plan, StatusUpdate.item_code, func.count(StatusUpdate.id), func.max(StatusUpdate.id))
        .group_by(StatusUpdate.plan, StatusUpdate.item_code),
        select(Feedback.plan, Feedback.item_code, func.count(Feedback.id), func.max(Feedback.id),
               func.max(Feedback.moderated_at), func.sum(Feedback.public_revision))
        .where(Feedback.state == ModerationState.PUBLISHED).group_by(Feedback.plan, Feedback.item_code))
    if codes is not None:
        items = items.where(tuple_(WorkItem.plan, WorkItem.code).in_(_pairs(codes)))
        updates_q = updates_q.where(tuple_(StatusUpdate.plan, StatusUpdate.item_code).in_(_pairs(codes)))
        comments_q = comments_q.where(tuple_(Feedback.plan, Feedback.item_code).in_(_pairs(codes)))
    base = {doc_key(plan, code): f"{status or ''}|{at.isoformat() if at else ''}"
            for plan, code, status, at in db.session.execute(items)}
    updates = {doc_key(plan, code): f"{n}|{last}" for plan, code, n, last in db.session.execute(updates_q)}
    # Revisions only once there are any: every row starts at 0, so indexes built before the column was
    # added keep matching and nodes do not re-index every work point after the upgrade.
    comments = {doc_key(plan, code): f"{n}|{last_id}|{last_at.isoformat() if last_at else ''}"
                                     + (f"|{revisions}" if revisions else "")
                for plan, code, n, last_id, last_at, revisions in db.session.execute(comments_q)}
    return {code: f"{sig}|{updates.get(code, '0|')}|{comments.get(code, '0||')}" for code, sig in base.items()}


def _fingerprint(signatures: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(signatures, sort_keys=True).encode()).hexdigest()[:16]


def data_fingerprint() -> str:
    """What run-time data the index reflects: statuses, status notes and published comments."""
    return _fingerprint(item_signatures())


def _write_meta(folder: Path, meta: dict) -> None:
    # Readers in other workers must never see half a file.
    tmp = folder / f".meta-{os.getpid()}-{threading.get_ident()}.json"
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, folder / "meta.json")


def _published_comments(codes: list[str] | None = None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    stmt = select(Feedback.plan, Feedback.item_code, Feedback.body_public).where(Feedback.state == ModerationState.PUBLISHED)
    if codes is not None:  # re-indexing one item must not read every comment on the site
        stmt = stmt.where(tuple_(Feedback.plan, Feedback.item_code).in_(_pairs(codes)))
    rows = db.session.execute(stmt.order_by(Feedback.id))
    for plan, code, body in rows:
        out.setdefault(doc_key(plan, code), []).append(body)
    return out


def _status_notes(codes: list[str] | None = None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    stmt = select(StatusUpdate.plan, StatusUpdate.item_code, StatusUpdate.note_zh, StatusUpdate.note_en)
    if codes is not None:
        stmt = stmt.where(tuple_(StatusUpdate.plan, StatusUpdate.item_code).in_(_pairs(codes)))
    for plan, code, zh, en in db.session.execute(stmt):
        out.setdefault(doc_key(plan, code), []).append(f"{zh or ''} {en or ''}")
    return out


def _statuses(codes: list[str] | None = None) -> dict[str, str]:
    stmt = select(WorkItem).where(WorkItem.plan.in_(_served()))
    if codes is not None:
        stmt = stmt.where(tuple_(WorkItem.plan, WorkItem.code).in_(_pairs(codes)))
    # Plain strings: stored fields are pickled, and the index must not depend on the app's enum classes.
    return {doc_key(w.plan, w.code): str(w.current_status or "no_report") for w in db.session.scalars(stmt)}


def summarise_comments(comments: list[str]) -> tuple[str, str]:
    """What residents wrote about an item, as its distinct Chinese words and distinct English stems.

    A popular item gathers thousands of comments that repeat the same words; indexing each word once
    per item keeps the build and the postings a query reads in proportion to the vocabulary, not to
    the number of comments, and still finds the item by any word a resident used.
    """
    words, stems = words_and_stems(" ".join(comments))
    return " ".join(dict.fromkeys(words)), " ".join(dict.fromkeys(stems))


def item_document(item, status: str, comments: list[str], notes: list[str]) -> dict:
    offices_zh = " ".join(o.name.zh for o in item.offices)
    offices_en = " ".join(o.name.en for o in item.offices)
    places_zh = " ".join(p.name.zh for p in item.places)
    places_en = " ".join(p.name.en for p in item.places)
    terms_zh = " ".join(f"{t.name.zh} {' '.join(t.aliases)} {t.explanation.zh}" for t in item.terms)
    terms_en = " ".join(f"{t.name.en} {t.explanation.en}" for t in item.terms)
    targets_zh = " ".join(t.metric.zh for t in item.targets)
    targets_en = " ".join(t.metric.en for t in item.targets)
    zh = " ".join([item.title.zh, item.summary.zh, item.official_text, item.subsection.title.zh,
                   item.section.title.zh, offices_zh, places_zh, terms_zh, targets_zh, " ".join(notes)])
    en = " ".join([item.title.en, item.summary.en, item.subsection.title.en, item.section.title.en,
                   offices_en, places_en, terms_en, targets_en, " ".join(notes)])
    comments_zh, comments_en = summarise_comments(comments)
    return {
        "key": doc_key(item.plan, item.code),
        "plan": item.plan,
        "code": item.code,
        "section": str(item.section.number),
        "offices": ",".join(o.slug for o in item.offices),
        "month": item.deadline,
        "places": ",".join(p.slug for p in item.places),
        "status": status,
        "code_text": item.code,
        "title_zh": item.title.zh + " " + item.subsection.title.zh,
        "title_en": item.title.en + " " + item.subsection.title.en,
        "title_bg": item.title.zh + " " + item.subsection.title.zh,
        "zh": zh, "zh_bg": zh, "en": en,
        "comments_zh": comments_zh, "comments_en": comments_en,
        "meta": {"comments": len(comments)},
    }


def build(progress: Callable[[str], None] | None = None) -> Path:
    """Build a complete index in a new directory, then point `current` at it in one rename.

    `progress` (the CLI passes click.echo) hears about every PROGRESS_EVERY items and the commit."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"build-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 100000}"
    target.mkdir()
    try:
        items = [i for store in registry().stores.values() for i in store.items]
        # Fingerprints first: a comment approved while we read marks this build stale, not current.
        signatures = item_signatures()
        fingerprints = {"content": content_fingerprint(), "data": _fingerprint(signatures), "items": signatures}
        comments, notes, statuses = _published_comments(), _status_notes(), _statuses()
        ix = whoosh_index.create_in(str(target), make_schema())
        writer = ix.writer()
        started, total = time.perf_counter(), len(items)
        try:
            for n, item in enumerate(items, 1):
                key = doc_key(item.plan, item.code)
                writer.add_document(**item_document(item, statuses.get(key, "no_report"),
                                                    comments.get(key, []), notes.get(key, [])))
                if progress and (n % PROGRESS_EVERY == 0 or n == total):
                    progress(gettext("indexed %(done)s/%(total)s work points in %(seconds)ss", done=f"{n:,}",
                                     total=f"{total:,}", seconds=f"{time.perf_counter() - started:.1f}"))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if progress:
            progress(gettext("committed in %(seconds)ss", seconds=f"{time.perf_counter() - started:.1f}"))
        _record_files(target)
        _write_meta(target, {**fingerprints, "built_at": time.time()})
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # never leave a half index behind, let alone swap it in
        raise
    _swap(target)
    return target


def _swap(target: Path) -> None:
    root = _root()
    link = current_dir()
    tmp_link = root / f".current-{os.getpid()}-{threading.get_ident()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    os.replace(tmp_link, link)
    _remove_old_builds(keep=target)


def _remove_old_builds(keep: Path) -> None:
    """Delete builds nobody can still need. Other workers may be building or swapping right now (a
    worker whose swap lands after ours makes its build current), so a build goes only when it is
    old, and not what `current` points to at that moment; one without meta.json may be in progress."""
    now = time.time()
    for path in _root().glob("build-*"):
        try:
            if path == keep or path.resolve() == current_dir().resolve():
                continue
            complete = (path / "meta.json").exists()
            if now - path.stat().st_mtime < (KEEP_OLD_BUILD_SECONDS if complete else ABANDONED_BUILD_SECONDS):
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


def read_meta() -> dict | None:
    try:
        return json.loads((current_dir() / "meta.json").read_text())
    except (OSError, ValueError):
        return None


def is_stale() -> bool:
    meta = read_meta()
    if meta is None or not whoosh_index.exists_in(str(current_dir())) or not opens():
        return True
    return meta.get("content") != content_fingerprint() or meta.get("data") != data_fingerprint()


def ensure(progress: Callable[[str], None] | None = None) -> bool:
    """Build when missing or stale; returns True when it built."""
    if is_stale():
        build(progress)
        return True
    return False


def _storage(path: Path) -> FileStorage:
    # Plain reads, not mmap: a segment file truncated or overwritten under a reader then raises an
    # error that search repairs, where a mapped page past the new end kills the worker with SIGBUS.
    return FileStorage(str(path), supports_mmap=False)


def _open(path: Path):
    return _storage(path).open_index()


def opens() -> bool:
    """Whether the current index opens as it is (/healthz), without rebuilding it as open_index() would:
    its table of contents reads, and every file it names is there, whole and the one written. Opening alone
    reads only the table of contents, so a missing, truncated or overwritten segment went unnoticed until a
    search failed, or never when the overwrite still decoded. No postings are read: a 12-byte header and a
    stat per file."""
    try:
        folder = current_path()
        # What opening the index reads (FileIndex reads this same TOC), read once to keep its segments.
        toc = TOC.read(_storage(Path(folder)), DEFAULT_INDEX_NAME)
        if not all(_segment_is_whole(folder, segment) for segment in toc.segments):
            return False
        written = _recorded_files(folder)
        return all(_file_mark(folder, name) == written[name] for name in _toc_files(toc) if name in written)
    except Exception:  # noqa: BLE001 - whatever stops opening it stops a search
        return False


# Each file of the index as its writer left it: size, mtime_ns and inode (FILES_RECORD, next to meta.json).
# A file rewritten in place at its own length keeps size and inode but not its mtime; one copied over keeps
# neither inode nor (unless copied with its times) mtime. Not ctime: a chown or a hard link made by a
# backup changes it, and would call a good index damaged. Whoosh never rewrites a file it has written (a
# commit writes a new TOC generation and new segments), so a mark recorded once stays true.
FILES_RECORD = "files.json"


def _file_mark(folder: str, name: str) -> list[int]:
    st = os.stat(os.path.join(folder, name))
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _toc_files(toc) -> list[str]:
    """The TOC's own file and its compound segment files (per-field files are only checked to be there)."""
    return [TOC._filename(DEFAULT_INDEX_NAME, toc.generation)] + [
        segment.make_filename(segment.COMPOUND_EXT) for segment in toc.segments if segment.is_compound()]


def _recorded_files(folder: str) -> dict[str, list[int]]:
    """{} for a build from before the record: nothing to compare, as before."""
    try:
        return json.loads(Path(folder, FILES_RECORD).read_text())
    except (OSError, ValueError):
        return {}


def _record_files(folder: Path) -> None:
    """After a commit, under the writer's lock: marks for the files the new generation added. Files already
    recorded keep their first mark, so a commit does not vouch for a segment damaged since; files of older
    generations are dropped."""
    toc = TOC.read(_storage(folder), DEFAULT_INDEX_NAME)
    written = _recorded_files(str(folder))
    marks = {name: written.get(name) or _file_mark(str(folder), name) for name in _toc_files(toc)}
    tmp = folder / f".files-{os.getpid()}-{threading.get_ident()}.json"  # readers never see half a file
    tmp.write_text(json.dumps(marks))
    os.replace(tmp, folder / FILES_RECORD)


def _segment_is_whole(folder: str, segment) -> bool:
    """A compound segment file starts with where its directory begins and how long it is (whoosh's
    CompoundStorage); the directory is written last, so a file cut short anywhere ends before it.
    One read of 12 bytes, no postings."""
    if not segment.is_compound():  # per-field files: at least they must be there
        return any(name.startswith(segment.segment_id() + ".") for name in os.listdir(folder))
    with open(os.path.join(folder, segment.make_filename(segment.COMPOUND_EXT)), "rb") as f:
        header = f.read(_SEGMENT_HEADER.size)
        size = os.fstat(f.fileno()).st_size
    if len(header) < _SEGMENT_HEADER.size:
        return False
    directory_at, directory_length = _SEGMENT_HEADER.unpack(header)
    return _SEGMENT_HEADER.size <= directory_at and directory_at + directory_length == size


def open_index():
    """Open the current index; a missing or unreadable one is rebuilt instead of failing search."""
    try:
        return _open(current_dir())
    except Exception:  # noqa: BLE001 - any corruption means: rebuild
        with _state().write_lock:
            try:  # another thread of this process may have rebuilt it while we waited for the lock
                return _open(current_dir())
            except Exception:  # noqa: BLE001
                log.warning("search index missing or unreadable at %s; rebuilding", current_dir())
                build()
        return _open(current_dir())


def is_readable(ix) -> bool:
    """Read every stored document, term and posting list: what a search may touch. Only called
    after a search failed, to tell a damaged index (rebuild it) from a bug (let it surface)."""
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            for _ in reader.all_stored_fields():
                pass
            for fieldname in ix.schema.scorable_names():
                for term in reader.lexicon(fieldname):
                    reader.postings(fieldname, term).all_ids()
        return True
    except Exception:  # noqa: BLE001 - any failure to read is damage
        return False


def repair_if_damaged() -> bool:
    """Rebuild the current index when it cannot be read through; True when it did."""
    with _state().write_lock:
        try:
            ix = _open(current_dir())
            readable = is_readable(ix)
            ix.close()
        except Exception:  # noqa: BLE001
            readable = False
        if readable:
            return False
        log.warning("search index at %s is damaged; rebuilding", current_dir())
        build()
        return True


def merge_when_many(writer, segments):
    """Whoosh merge policy for per-item updates: leave segments alone until there are many.

    Each re-index writes one small segment; merging on every commit (Whoosh's default) was half of a
    re-index on a large index. Past MAX_SEGMENTS, the default policy merges the small ones."""
    if len(segments) <= MAX_SEGMENTS:
        return segments
    return MERGE_SMALL(writer, segments)


def update_items(codes: list[str]) -> None:
    """Re-index some items in place (after a status change or a moderated comment); `codes` are document
    keys, "<plan>/<code>".

    Every process using this index directory (gunicorn workers, the CLI, other nodes' catch-up) re-indexes
    under one file lock, and reads the database only once it holds it: of two re-indexes of one item, the
    one that writes last also read last. Reading first let a catch-up that read before a status change
    write its older status over the newer one, until the next freshness check."""
    plans = registry()
    with _state().write_lock, _updating():
        ix = open_index()
        # Signatures before the data: a change landing while we read shows as stale at the next check.
        signatures = item_signatures(codes)
        comments, notes, statuses = _published_comments(codes), _status_notes(codes), _statuses(codes)
        for attempt in range(50):
            try:
                writer = ix.writer(timeout=5.0)
                break
            except LockError:
                time.sleep(0.1)
        else:  # pragma: no cover - another process held the lock for too long
            raise LockError("search index is locked")
        try:
            for code in codes:
                store = plans.store(split_key(code)[0])
                item = store.item(split_key(code)[1]) if store is not None else None
                if item is not None:
                    writer.update_document(**item_document(item, statuses.get(code, "no_report"),
                                                           comments.get(code, []), notes.get(code, [])))
            writer.commit(mergetype=merge_when_many)
        except Exception:
            writer.cancel()
            raise
        _record_files(current_dir().resolve())
        # Only these items are now current: another item changed elsewhere stays marked stale.
        meta = read_meta() or {}
        items = meta.get("items") or {}
        items.update({code: signatures.get(code) for code in codes})
        meta.update(items=items, data=_fingerprint(items))
        _write_meta(current_dir().resolve(), meta)


@contextmanager
def _updating():
    """The lock of re-indexing, shared by every process using this index directory (fcntl, released when
    the process dies)."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / "update.lock"))
    lock.acquire(blocking=True)
    try:
        yield
    finally:
        lock.release()


def refresh_if_stale() -> list[str] | None:
    """Bring this node's index up to date with the database, at most once every SEARCH_REFRESH_SECONDS.

    Status updates and moderation re-index at once on the node that made them (signals); other
    nodes sharing the database (or a restored backup) are caught here: the items whose signature
    moved are re-indexed. Returns the codes re-indexed, [] when current, None when not checked.
    """
    app = current_app._get_current_object()  # proxies read once: docs/architecture.md
    interval = float(app.config.get("SEARCH_REFRESH_SECONDS", 10))
    state: IndexState = app.extensions[STATE_KEY]
    now = time.monotonic()
    with state.check_lock:
        if now - state.checked_at < interval:
            return None
        state.checked_at = now
    meta = read_meta()
    if meta is None:
        return None  # no index yet: open_index() builds it from the database anyway
    signatures = item_signatures()
    if meta.get("data") == _fingerprint(signatures):
        return []
    known = meta.get("items")
    if not known:  # an index from before per-item signatures
        with _state().write_lock:
            build()
        return sorted(signatures)
    changed = sorted(code for code, sig in signatures.items() if known.get(code) != sig)
    update_items(changed)
    return changed
