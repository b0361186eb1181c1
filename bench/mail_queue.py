"""Follow-by-e-mail costs: how much longer a status update takes when it queues a mail for every
follower, and how fast `flask mail send-pending` hands the queue to an SMTP server.

    python -m bench mail_queue                      # 1,000 followers of one work point
    python -m bench mail_queue --followers 200 --rounds 3

Runs in a temporary directory (own SQLite database) against a real SMTP server (aiosmtpd on
localhost, in a thread), through the same services the staff pages and the timer call.
Results: bench/results/mail-queue.json and bench/results/mail-queue.md.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000


def _app(tmp: str, port: int):
    os.environ["PORTAL_INSTANCE_DIR"] = tmp
    from flask_migrate import upgrade

    from portal import create_app
    from portal.services.content import content, sync_items

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SEARCH_INDEX": f"{tmp}/index",
                      "SECRET_KEY": "bench", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_STARTTLS": False,
                      "PUBLIC_URL": "https://portal.example.cn/"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sync_items(content())
    return app


def _followers(app, n: int) -> None:
    from portal.extensions import db
    from portal.models import Subscription, utcnow

    with app.app_context():
        now = utcnow()
        db.session.add_all(Subscription(email=f"f{i}@example.org", kind="item", key="2.3", lang="zh" if i % 2 else "en",
                                        token_hash=f"{i:064x}", created_at=now, confirmed_at=now) for i in range(n))
        db.session.commit()


def _update(app, day: int) -> None:
    from portal.services.progress import record_update

    with app.test_request_context():
        record_update("2.3", "in_progress", f"第{day}次更新。", f"Update {day}.", date(2023, 9, day), actor=None)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench mail_queue")
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from mail_support import SmtpServer

    smtp = SmtpServer()
    smtp.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-mail-") as tmp:
            app = _app(tmp, smtp.port)
            alone = [_timed(lambda d=d: _update(app, d)) for d in range(1, args.rounds + 1)]
            _followers(app, args.followers)
            followed = [_timed(lambda d=d: _update(app, d)) for d in range(10, 10 + args.rounds)]
            from portal.services import mail

            with app.app_context():
                queued = mail.unsent_count()
                wall, cpu = _timed(lambda: [mail.send_pending(limit=10**6)])
                left = mail.unsent_count()
    finally:
        smtp.stop()
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "followers": args.followers,
        "load_average": os.getloadavg()[0],
        "update_without_followers_ms": round(statistics.median(w for w, _ in alone), 1),
        "update_with_followers_ms": round(statistics.median(w for w, _ in followed), 1),
        "update_with_followers_cpu_ms": round(statistics.median(c for _, c in followed), 1),
        "queued": queued, "delivered": len(smtp.inbox.messages), "left_unsent": left,
        "send_wall_s": round(wall / 1000, 2), "send_cpu_s": round(cpu / 1000, 2),
        "messages_per_s": round(queued / (wall / 1000), 1) if wall else None,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "mail-queue.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "mail-queue.md").write_text(
        f"# Mail queue ({result['date']}, load average {result['load_average']:.1f})\n\n"
        f"`python -m bench mail_queue --followers {args.followers} --rounds {args.rounds}`\n\n"
        "| what | figure |\n| --- | ---: |\n"
        f"| status update, no followers (median wall) | {result['update_without_followers_ms']} ms |\n"
        f"| status update queuing {args.followers} mails (median wall / CPU) | {result['update_with_followers_ms']} ms"
        f" / {result['update_with_followers_cpu_ms']} ms |\n"
        f"| `send-pending`: {queued} mails to aiosmtpd (wall / CPU) | {result['send_wall_s']} s / {result['send_cpu_s']} s |\n"
        f"| throughput | {result['messages_per_s']} mails/s |\n"
        f"| delivered / left unsent | {result['delivered']} / {left} |\n")
    print((RESULTS / "mail-queue.md").read_text())
    return 0 if left == 0 and result["delivered"] == queued else 1
