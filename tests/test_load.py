"""Load without loss, against gunicorn (the repo's gunicorn.conf.py) on the test's database.

Marked `load`: part of the CI run, skipped locally with `-m "not load"`. All clients share one
loopback address, so the per-IP comment limit is raised through PORTAL_FEEDBACK_RATE_LIMIT here;
`test_the_production_limit_answers_429_and_stores_nothing_twice` keeps the real one.
"""
from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import func, select, text

from gunicorn_support import Client, gunicorn

pytestmark = pytest.mark.load

CLIENTS = 50
SUBMISSIONS = 1000
ITEMS = ("2.3", "4.1", "5.1.3", "1.1", "3.1")
TRACK_RE = re.compile(r"/(?:zh|en)/feedback/(ZJ-[A-Z0-9]{10})\?sent=1$")


def _prepare(app):
    """The database as `make run` leaves it: migrated, content loaded, index built, WAL on SQLite."""
    from portal.extensions import db
    from portal.search import index

    with app.app_context():
        index.build()
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        db.session.remove()


def _resident(server, n: int, count: int, outcomes: list, lock: threading.Lock) -> None:
    """One resident's session: load the page (and its CSRF token) before each comment, as a browser would."""
    client = Client(server)
    for k in range(count):
        code = ITEMS[(n + k) % len(ITEMS)]
        lang = "zh" if k % 2 else "en"
        page = f"/{lang}/plans/2023-city-management/items/{code}"
        token = client.csrf(page)
        body = f"第{n}位居民的第{k}条留言：希望{code}项目加快进度。 resident {n} comment {k}"
        status, headers, _text = client.post(f"/{lang}/plans/2023-city-management/items/{code}/feedback",
                                             {"csrf_token": token, "body": body, "kind": "suggestion", "place": ""})
        m = TRACK_RE.search(headers.get("location", ""))
        with lock:
            outcomes.append((status, m.group(1) if m else None, body))


def _submit_all(server, clients: int = CLIENTS, total: int = SUBMISSIONS):
    outcomes: list[tuple[int, str | None, str]] = []
    lock = threading.Lock()
    per_client = total // clients
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(_resident, server, n, per_client, outcomes, lock) for n in range(clients)]
        for f in futures:
            f.result()
    return outcomes, time.perf_counter() - started


def _stored(app) -> list[tuple[str, str]]:
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        rows = db.session.execute(select(Feedback.tracking_code, Feedback.body)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def _assert_exactly_once(app, outcomes, expected: int) -> None:
    statuses = Counter(status for status, _c, _b in outcomes)
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses == {302: expected}, statuses
    codes = [c for _s, c, _b in outcomes]
    assert None not in codes and len(set(codes)) == expected
    stored = _stored(app)
    assert len(stored) == expected
    assert {c for c, _b in stored} == set(codes)
    sent = {c: b for _s, c, b in outcomes}
    assert all(sent[c] == b for c, b in stored)  # each code holds the comment that was sent with it


def test_1000_comments_from_50_clients_are_stored_exactly_once(app_factory, tmp_path, record_property):
    app = app_factory()
    _prepare(app)
    with gunicorn(app, tmp_path, PORTAL_FEEDBACK_RATE_LIMIT="100000") as server:
        outcomes, seconds = _submit_all(server)
        access = (tmp_path / f"access-{server.port}.log").read_text()
    _assert_exactly_once(app, outcomes, SUBMISSIONS)
    assert not re.search(r'" 5\d\d ', access), "a 5xx in the access log"
    record_property("submissions_per_second", round(SUBMISSIONS / seconds, 1))
    print(f"\n{SUBMISSIONS} comments from {CLIENTS} clients in {seconds:.1f}s "
          f"({SUBMISSIONS / seconds:.0f}/s, each after a page load for its CSRF token)")


def _status_writer(app, stop: threading.Event, written: list, errors: list) -> None:
    """A member of staff publishing status updates as fast as the database lets them."""
    from portal.extensions import db

    try:
        from portal.services.progress import record_update
    except ImportError:  # pragma: no cover - before the status service existed
        record_update = None
    statuses = ("in_progress", "delayed", "completed", "in_progress")
    n = 0
    with app.app_context():
        while not stop.is_set() and n < 200:
            code = ITEMS[n % len(ITEMS)]
            status = statuses[n % len(statuses)]
            try:
                if record_update:
                    record_update(code, status, f"第{n}次进展更新。", f"Update {n}.", date(2023, 10, 1 + n % 28))
                else:  # pragma: no cover
                    _direct_update(code, status, n)
                written.append((code, status))
            except Exception as exc:  # noqa: BLE001 - collected and asserted on below
                db.session.rollback()
                errors.append(repr(exc))
            n += 1
        db.session.remove()


def _direct_update(code, status, n):  # pragma: no cover - fallback when portal.services.progress is absent
    from flask import current_app

    from portal.extensions import db
    from portal.config import FIRST_PLAN
    from portal.models import StatusUpdate, WorkItem, utcnow
    from portal.services.events import item_changed

    db.session.add(StatusUpdate(plan=FIRST_PLAN, item_code=code, status=status, note_zh=f"第{n}次进展更新。", happened_on=date(2023, 10, 1)))
    row = db.session.scalar(select(WorkItem).where(WorkItem.plan == FIRST_PLAN, WorkItem.code == code))
    row.current_status, row.status_updated_at = status, utcnow()
    db.session.commit()
    item_changed.send(current_app._get_current_object(), code=code, plan=FIRST_PLAN)


def _reader(server, stop: threading.Event, seen: Counter, lock: threading.Lock) -> None:
    client = Client(server)
    queries = ["加装电梯", "lift", "垃圾分类", "充电", "美丽街区"]
    paths = [f"/zh/plans/2023-city-management/items/{c}" for c in ITEMS] + ["/zh/", "/en/plans/2023-city-management/progress", "/zh/plans/2023-city-management/items/"]
    rng = random.Random(id(stop) ^ threading.get_ident())
    while not stop.is_set():
        if rng.random() < 0.5:
            path = f"/api/v1/search?q={quote(rng.choice(queries))}"
        else:
            path = rng.choice(paths)
        status, _h, _b = client.get(path)
        with lock:
            seen[status] += 1


def test_comments_status_updates_reads_and_searches_race_without_loss(app_factory, tmp_path):
    from portal.extensions import db
    from portal.models import StatusUpdate, WorkItem

    app = app_factory()
    _prepare(app)
    stop = threading.Event()
    written: list = []
    errors: list = []
    seen: Counter = Counter()
    lock = threading.Lock()
    with gunicorn(app, tmp_path, PORTAL_FEEDBACK_RATE_LIMIT="100000") as server:
        writer = threading.Thread(target=_status_writer, args=(app, stop, written, errors))
        readers = [threading.Thread(target=_reader, args=(server, stop, seen, lock)) for _ in range(8)]
        writer.start()
        for r in readers:
            r.start()
        try:
            outcomes, _seconds = _submit_all(server, clients=30, total=300)
        finally:
            stop.set()
            writer.join(60)
            for r in readers:
                r.join(60)
        # After the race, every node answers searches from the statuses now in the database.
        with app.app_context():
            final = {w.code: w.current_status for w in db.session.scalars(select(WorkItem).where(WorkItem.code.in_(ITEMS)))}
            updates = db.session.scalar(select(func.count(StatusUpdate.id)))
            db.session.remove()
        client = Client(server)
        for code, status in final.items():
            _s, _h, body = client.get(f"/api/v1/search?status={status}")
            assert f'"code":"{code}"' in body.replace(" ", ""), (code, status)
    print(f"\nrace: {len(outcomes)} comments, {len(written)} status updates, {sum(seen.values())} reads/searches {dict(seen)}")
    assert not errors, errors[:3]
    assert written and updates == len(written)  # every update the writer made is stored, once
    assert not [s for s in seen if s >= 500], seen
    assert seen[200] > 50
    _assert_exactly_once(app, outcomes, 300)


def test_the_production_limit_answers_429_and_stores_nothing_twice(app_factory, tmp_path):
    """Five comments per address per ten minutes, even when the sixth and later arrive at the same time."""
    app = app_factory()
    _prepare(app)
    assert app.config["FEEDBACK_RATE_LIMIT"] == 5 and app.config["FEEDBACK_RATE_WINDOW"] == 600
    with gunicorn(app, tmp_path) as server:
        def send(n: int):
            client = Client(server)
            token = client.csrf("/en/plans/2023-city-management/items/2.3")
            return client.post("/en/plans/2023-city-management/items/2.3/feedback", {"csrf_token": token, "kind": "question", "place": "",
                                                          "body": f"Question number {n} about the lifts."})
        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(send, range(12)))
        statuses = Counter(s for s, _h, _b in results)
        assert statuses == {302: 5, 429: 7}, statuses
        refused = next(b for s, _h, b in results if s == 429)
        # The count is kept with its word by a no-break space (i18n.count_words): read as a reader sees it.
        assert "Please wait 10 minutes and try again; nothing you typed has been lost." in refused.replace("\u00a0", " ")
        assert "Question number" in refused  # what was typed is still in the form
    assert len(_stored(app)) == 5

    # The same comment sent several times at once (a double click) is one comment with one code.
    with gunicorn(app, tmp_path, PORTAL_FEEDBACK_RATE_LIMIT="100000") as server:
        client = Client(server)
        token = client.csrf("/zh/plans/2023-city-management/items/4.1")
        form = {"csrf_token": token, "kind": "concern", "place": "", "body": "垃圾房旁边的路灯坏了，晚上很黑。"}
        with ThreadPoolExecutor(max_workers=6) as pool:
            twice = list(pool.map(lambda _n: client.post("/zh/plans/2023-city-management/items/4.1/feedback", form), range(6)))
    codes = {TRACK_RE.search(h.get("location", "")).group(1) for s, h, _b in twice if s == 302}
    assert [s for s, _h, _b in twice] == [302] * 6 and len(codes) == 1
    assert len(_stored(app)) == 6
