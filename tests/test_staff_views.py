"""Overdue stays visible (issue 18 point 11) and staff history and audit read on a phone (point 13):
target names instead of keys, Shanghai time, label → value cards instead of raw JSON, and the 403
page leads back to the staff dashboard."""
from __future__ import annotations

import re
from datetime import datetime

from conftest import text_of
from progress_support import publish

DEADLINE_PASSED = "Deadline passed"


def test_deadline_passed_shows_whatever_the_status_until_completed(app_factory):
    app = app_factory(PORTAL_TODAY="2024-03-01")  # 2.3 is due December 2023
    client = app.test_client()
    for status in ("in_progress", "not_started", "delayed"):
        publish(app, "2.3", status, "有进展。", "2023-11-01", note_en="Some progress.")
        assert DEADLINE_PASSED in text_of(client.get("/en/plans/2023-city-management/items/2.3").data), status
        assert "The deadline (December 2023) has passed." in text_of(client.get("/en/plans/2023-city-management/items/2.3").data)
        listing = client.get("/en/plans/2023-city-management/items/").get_data(as_text=True)
        card = re.search(r'<li class="card">\s*<a class="card-link" href="/en/plans/2023-city-management/items/2.3">.*?</li>', listing, re.S).group(0)
        assert DEADLINE_PASSED in text_of(card), status
        results = client.get("/en/search?q=lift").get_data(as_text=True)
        assert DEADLINE_PASSED in text_of(results), status
        with app.app_context():
            from portal.services.content import content
            from portal.services.status import status_of

            assert status_of(content().item("2.3")).overdue  # the dashboard's rule, the one the pages use
    publish(app, "2.3", "completed", "已完成。", "2023-12-20", note_en="Done.")
    assert DEADLINE_PASSED not in text_of(client.get("/en/plans/2023-city-management/items/2.3").data)
    assert "已过时间节点" not in text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)


def test_not_yet_due_is_not_marked(app_factory):
    app = app_factory(PORTAL_TODAY="2023-10-01")
    publish(app, "2.3", "in_progress", "有进展。", "2023-09-01")
    assert DEADLINE_PASSED not in text_of(app.test_client().get("/en/plans/2023-city-management/items/2.3").data)


def test_history_names_targets_in_the_staff_language_and_uses_shanghai_time(app, staff_client):
    from portal.extensions import db
    from portal.models import StatusUpdate

    entry_id = publish(app, "2.3", "in_progress", "已完成意愿征询。", "2023-09-01", progress={"consultations": 20})
    with app.app_context():
        db.session.get(StatusUpdate, entry_id).created_at = datetime(2023, 9, 1, 18, 30)  # UTC
        db.session.commit()
    editor = staff_client("editor")
    en = text_of(editor.get("/staff/items/2.3", headers={"Accept-Language": "en"}).data)
    zh = text_of(editor.get("/staff/items/2.3", headers={"Accept-Language": "zh-CN"}).data)
    assert "Lifts with residents consulted 20 / 35 lifts" in en and not re.search(r"consultations:? 20", en)
    assert "加装电梯意愿征询 20 / 35 台" in zh
    assert "2023-09-02 02:30 (Shanghai time)" in en and "2023-09-02 02:30（北京时间）" in zh


def test_audit_log_is_cards_of_readable_values_without_json(app, staff_client):
    publish(app, "2.3", "in_progress", "已完成意愿征询。", "2023-09-01", progress={"consultations": 20})
    admin = staff_client("admin")
    html = admin.get("/staff/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<table" not in html and '{"' not in html and "{&#34;" not in html
    cards = [text_of(c) for c in re.findall(r'<li class="card audit-card">.*?</li>\n', html, re.S)]
    text = next(c for c in cards if "Status update published" in c)
    assert "Account created" in " ".join(cards) and "Times are Shanghai time." in text_of(html)
    assert re.search(r"Progress\s+Lifts with residents consulted 20", text) and "In progress" in text
    assert "consultations" not in text and "in_progress" not in text


def test_the_403_page_links_back_to_the_staff_dashboard(staff_client, client):
    moderator = staff_client("moderator")
    r = moderator.get("/staff/items/")
    assert r.status_code == 403 and 'href="/staff/"' in r.get_data(as_text=True)
    assert 'href="/staff/"' not in client.get("/zh/plans/2023-city-management/items/99.99").get_data(as_text=True)


def test_the_audit_log_in_chinese_names_every_action_and_field_in_chinese(app, staff_client):
    """Entries written by the sheets, the throttle, `flask privacy purge` and `flask plans import --move-records`
    read like the others: no stored key (file, bytes, limit, moves…) or action name shown as it is stored."""
    from datetime import timedelta

    from portal.extensions import db
    from portal.models import utcnow
    from portal.services import auth, privacy
    from portal.services import feedback as feedback_service
    from portal.services.renumbering import move_records
    from sheets_support import download, upload

    admin = staff_client("admin")
    upload(admin, download(admin, "xlsx", office="shejianban"), "社建办.xlsx")
    with app.test_request_context():
        auth.record_throttled("someone", "password", "address")
        fb = feedback_service.submit("2.3", body="加梯什么时候开工？", kind="question", ip="203.0.113.5", lang="zh",
                                     contact="13812345678").feedback
        feedback_service.approve(fb, None)
        privacy.purge(utcnow() + timedelta(days=400))
        move_records("2023-city-management", {"9.8": "9.9"}, {})
        db.session.commit()
    html = admin.get("/staff/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    titles = re.findall(r'<h2 class="card-title">(.*?)</h2>', html)
    labels = re.findall(r"<dt>(.*?)</dt>", html)
    assert len(titles) >= 6 and not [t for t in titles if re.search(r"[A-Za-z]", t)], titles
    assert not [label for label in labels if re.search(r"[A-Za-z]", label)], labels
    assert "['" not in html and "password" not in text_of(html).replace("password_", "")


def test_every_action_the_code_audits_has_a_label():
    from pathlib import Path

    from portal.staff.audit_view import ACTION_LABELS

    portal = Path(__file__).resolve().parent.parent / "portal"
    source = "\n".join(p.read_text(encoding="utf-8") for p in portal.rglob("*.py"))
    written = set(re.findall(r'audit\.record\(\s*"([a-z0-9_]+\.[a-z0-9_]+)"', source))
    assert "plan.renumber" in written and written - set(ACTION_LABELS) == set()


def test_a_time_stored_in_an_audit_entry_reads_in_shanghai_time(app, staff_client):
    """The purge's "comments closed before" is stored as UTC, like every stored time; staff read it as the
    entry's own time is shown, in Shanghai (20:30 UTC on 4 June is 04:30 on 5 June there)."""
    from datetime import datetime, timedelta

    from portal.extensions import db
    from portal.services import feedback as feedback_service
    from portal.services import privacy

    with app.test_request_context():
        fb = feedback_service.submit("2.3", body="加梯什么时候开工？", kind="question", ip="203.0.113.6", lang="zh",
                                     contact="13812345678").feedback
        feedback_service.approve(fb, None)
        fb.moderated_at = datetime(2026, 1, 1)
        db.session.commit()
        privacy.purge(datetime(2026, 6, 4, 20, 30) + timedelta(days=app.config["CONTACT_RETENTION_DAYS"]))
    html = staff_client("admin").get("/staff/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "2026-06-05 04:30" in text_of(html) and "2026-06-04T20:30" not in html
