"""Grow the data of a test app in bulk (comments, history, sites), for the pages-at-scale tests and bench/scale.py.

Rows go in through the ORM in one transaction: fast enough for thousands, and the same columns the
services write. Text is varied (random Chinese characters) so compression cannot hide page weight.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

HANZI = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def varied_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(n))


def grow(app, code: str = "2.3", comments: int = 0, updates: int = 0, sites: int = 0, pending: int = 0,
         seed: int = 7) -> None:
    """Rows for `code` of the current plan."""
    from portal.extensions import db
    from portal.models import Feedback, ProjectSite, SiteStageUpdate, StatusUpdate, TargetProgress
    from portal.services.content import plan_slug

    rng = random.Random(seed)
    start = datetime(2023, 7, 1, 8, 0)
    with app.app_context():
        plan = plan_slug()
        item_key = _first_target(code)
        for i in range(comments + pending):
            published = i < comments
            body = varied_text(rng, rng.randint(40, 160))
            replied = published and i % 3 == 0
            db.session.add(Feedback(
                tracking_code=f"ZJ-GROW{seed}{i:07d}", plan=plan, item_code=code, kind="question", body=body, body_public=body,
                lang="zh", state="published" if published else "pending", created_at=start + timedelta(minutes=i),
                reply_body=varied_text(rng, 80) if replied else None,
                replied_at=start + timedelta(minutes=i, hours=5) if replied else None))
        for i in range(updates):
            entry = StatusUpdate(plan=plan, item_code=code, status="in_progress", note_zh=varied_text(rng, 60),
                                 happened_on=date(2023, 7, 1) + timedelta(days=i % 500),
                                 created_at=start + timedelta(hours=i))
            if item_key:
                entry.progress.append(TargetProgress(target_key=item_key, value=float(i % 20)))
            db.session.add(entry)
        for i in range(sites):
            site = ProjectSite(plan=plan, item_code=code, target_key=item_key, name_zh=f"测试小区{i}号楼", stage="consultation",
                               created_at=start + timedelta(minutes=i))
            site.stages.append(SiteStageUpdate(stage="consultation", happened_on=date(2023, 8, 1),
                                               created_at=start + timedelta(minutes=i)))
            db.session.add(site)
        db.session.commit()


def _first_target(code: str) -> str | None:
    from portal.services.content import content

    item = content().item(code)
    return item.targets[0].key if item and item.targets else None
