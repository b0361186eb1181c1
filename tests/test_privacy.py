"""Residents' control of their data: withdrawing a comment, contacts erased after the retention period
(`flask privacy purge`), the privacy notice, and the operator lines of the footer."""
from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import csrf_from, text_of
from feedback_support import send_comment, submit_direct, tracking_code


_ADDRESSES = itertools.count(1)  # one sender address per generated comment, so the comment limit never applies


def _approve(app, code, reply=None):
    from portal.services import feedback

    with app.test_request_context():
        feedback.approve(feedback.find_by_code(code), None, reply=reply)


def test_author_withdraws_from_the_tracking_page(app, client, staff_client):
    from portal.services import feedback

    code = tracking_code(send_comment(client, lang="en", contact="13800000000"))
    _approve(app, code)
    assert "三号楼加装电梯" in text_of(client.get("/en/plans/2023-city-management/items/2.3").data)
    track = client.get(f"/en/feedback/{code}")
    assert "Withdraw my comment" in text_of(track.data)
    done = client.post(f"/en/feedback/{code}/withdraw", data={"csrf_token": csrf_from(track.data)})
    assert done.status_code == 302
    after = client.get(f"/en/feedback/{code}")
    assert "Withdrawn by its author" in text_of(after.data) and "Withdraw my comment" not in text_of(after.data)
    assert "三号楼加装电梯" not in text_of(client.get("/en/plans/2023-city-management/items/2.3").data), "hidden at once"
    with app.app_context():
        assert feedback.counts()["withdrawn"] == 1
        from portal.extensions import db
        from portal.models import AuditLog

        assert db.session.query(AuditLog).filter_by(action="feedback.withdraw", username="public").count() == 1
    staff_view = staff_client("moderator").get("/staff/moderation?view=withdrawn")
    assert staff_view.status_code == 200 and code in staff_view.get_data(as_text=True)


def _set(app, code, **times):
    from portal.extensions import db
    from portal.services import feedback

    with app.app_context():
        fb = feedback.find_by_code(code)
        for name, value in times.items():
            setattr(fb, name, value)
        db.session.commit()


def _contact(app, code):
    from portal.services import feedback

    with app.app_context():
        return feedback.find_by_code(code).contact


def test_purge_erases_contacts_of_comments_closed_longer_than_the_retention(app):
    from portal.models import utcnow

    now = utcnow()
    old = now - timedelta(days=200)
    codes = {name: submit_direct(app, body=f"评论 {name} 的内容足够长。", ip=f"192.0.2.{n}", contact="13800000000")[1]
             for n, name in enumerate(("rejected_old", "published_recent", "pending_old", "withdrawn_old",
                                       "replied_recently"), start=50)}
    _set(app, codes["rejected_old"], state="rejected", moderated_at=old)
    _set(app, codes["published_recent"], state="published", moderated_at=now - timedelta(days=10))
    _set(app, codes["pending_old"], created_at=old)
    _set(app, codes["withdrawn_old"], state="withdrawn", withdrawn_at=now - timedelta(days=181))
    _set(app, codes["replied_recently"], state="published", moderated_at=old, reply_body="好的。",
         replied_at=now - timedelta(days=10))
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "2 contacts erased" in result.output, result.output
    kept = {name for name, code in codes.items() if _contact(app, code)}
    assert kept == {"published_recent", "pending_old", "replied_recently"}


def test_retention_is_a_setting(app_factory):
    from portal.models import utcnow

    app = app_factory(CONTACT_RETENTION_DAYS=5)
    _, code = submit_direct(app, contact="someone@example.org")
    _set(app, code, state="published", moderated_at=utcnow() - timedelta(days=6))
    app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert _contact(app, code) is None
    assert "5 days after the comment is closed" in text_of(app.test_client().get("/en/privacy").data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=st.sampled_from(["pending", "published", "rejected", "hidden", "withdrawn"]),
       decided=st.integers(0, 400), replied=st.none() | st.integers(0, 400), withdrawn=st.integers(0, 400))
def test_purge_rule_for_any_comment(app, state, decided, replied, withdrawn):
    """Erased if and only if closed, and the last of decision, reply and withdrawal is over 180 days old."""
    from portal.models import utcnow
    from portal.services.privacy import purge

    now = utcnow()
    _, code = submit_direct(app, body=f"任意评论 {state} {decided} {replied} {withdrawn}", contact="13800000000",
                            ip=f"198.18.{next(_ADDRESSES) // 250}.{next(_ADDRESSES) % 250}")
    days = lambda n: None if n is None else now - timedelta(days=n)  # noqa: E731
    _set(app, code, state=state, moderated_at=None if state in ("pending", "withdrawn") else days(decided),
         replied_at=days(replied) if state == "published" else None,
         withdrawn_at=days(withdrawn) if state == "withdrawn" else None)
    with app.app_context():
        purge(now)
    if state == "pending":
        closed_ago = None
    elif state == "withdrawn":
        closed_ago = withdrawn
    else:
        closed_ago = min(decided, replied) if (state == "published" and replied is not None) else decided
    expect_erased = closed_ago is not None and closed_ago > 180
    assert (_contact(app, code) is None) == expect_erased


def test_privacy_notice_in_both_languages_linked_from_every_page_and_the_forms(client):
    for lang, heading in (("zh", "隐私说明"), ("en", "Privacy notice")):
        page = client.get(f"/{lang}/privacy")
        assert page.status_code == 200 and heading in text_of(page.data)
        assert "180" in text_of(page.data)
    item = client.get("/en/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert item.count('href="/en/privacy"') >= 2  # footer and the comment form
    assert 'href="/zh/privacy"' in client.get("/zh/").get_data(as_text=True)


def test_footer_shows_operator_and_codes_only_when_configured(app_factory):
    bare = app_factory().test_client().get("/zh/").get_data(as_text=True)
    assert 'class="operator"' not in bare and "beian" not in bare
    app = app_factory(SITE_OPERATOR="张江镇人民政府", GOV_SITE_CODE="3101150001", ICP_FILING="沪ICP备00000000号")
    page = app.test_client().get("/zh/").get_data(as_text=True)
    assert "主办单位：张江镇人民政府" in text_of(page) and "政府网站标识码：3101150001" in text_of(page)
    assert "沪ICP备00000000号" in page and "公网安备" not in page


def test_withdrawn_comments_are_counted_in_the_public_moderation_record(app, client):
    from portal.services import feedback

    _, code = submit_direct(app)
    with app.test_request_context():
        feedback.withdraw(feedback.find_by_code(code))
    page = text_of(client.get("/en/moderation").data)
    assert "Comments received 1" in page and "Withdrawn by their authors 1" in page


def test_a_moderators_decision_not_to_publish_cannot_be_withdrawn(app, client):
    from portal.services import feedback

    _, code = submit_direct(app)
    with app.test_request_context():
        feedback.reject(feedback.find_by_code(code), "广告。", None)
    track = client.get(f"/zh/feedback/{code}")
    assert "撤回我的留言" not in text_of(track.data)
    client.post(f"/zh/feedback/{code}/withdraw", data={"csrf_token": csrf_from(client.get("/zh/plans/2023-city-management/items/2.3").data)})
    with app.app_context():
        assert feedback.find_by_code(code).state == "rejected"


def test_purge_deletes_mails_the_queue_gave_up_on(app):
    """A mail to an address the server keeps refusing is tried MAX_ATTEMPTS times, then never again; it held
    the address for ever, though the notice says a mail is kept 7 days and a stopped address is deleted."""
    from portal.extensions import db
    from portal.models import MailMessage, utcnow
    from portal.services import mail
    from portal.services.privacy import purge

    now = utcnow()
    with app.app_context():
        for n, (attempts, age) in enumerate(((mail.MAX_ATTEMPTS, 30), (mail.MAX_ATTEMPTS, 2), (3, 30))):
            message = mail.enqueue(f"gone{n}@example.org", "Subject", "Body")
            message.attempts, message.created_at = attempts, now - timedelta(days=age)
        db.session.commit()
        report = purge(now)
        left = sorted(m.to for m in db.session.query(MailMessage))
    assert left == ["gone1@example.org", "gone2@example.org"], "given up a week ago: deleted; still trying: kept"
    assert report.sent_mails == 1


def test_sending_a_withdrawn_comment_again_stores_it_again(app, client):
    """The duplicate guard (the same text from the same sender within ten minutes is one comment) also
    matched a comment its author had withdrawn meanwhile: sending it again, the resident was shown "Thank
    you, your comment was received" on the withdrawn comment's page and nothing was stored."""
    from portal.services import feedback

    first = tracking_code(send_comment(client, lang="en"))
    track = client.get(f"/en/feedback/{first}")
    client.post(f"/en/feedback/{first}/withdraw", data={"csrf_token": csrf_from(track.data)})
    again = tracking_code(send_comment(client, lang="en"))
    assert again != first
    with app.app_context():
        assert feedback.find_by_code(again).state == "pending"
        assert feedback.find_by_code(first).state == "withdrawn"
    assert tracking_code(send_comment(client, lang="en")) == again, "a double click still stores it once"


def test_the_notice_names_every_cookie_a_resident_can_be_given(app, client):
    """The "This matters to me" button sets a random id kept for 5 years (services/marks.py), whose keyed
    fingerprint the database keeps with the mark; the notice's cookie paragraph named only a form token and
    the large-text setting. Every cookie a resident's click sets must be in the notice, with how long it
    stays."""
    from portal.services import marks

    for page in ("/zh/", "/en/plans/2023-city-management/items/2.3", "/en/privacy"):
        assert not app.test_client().get(page).headers.getlist("Set-Cookie"), "the notice says reading sets none"
    given = {}
    for response in (client.post("/en/plans/2023-city-management/items/2.3/matters"),
                     client.get("/en/care?on=1")):
        for header in response.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            given[name] = rest
    assert set(given) >= {marks.COOKIE, "care"}, given
    assert given.keys() <= {marks.COOKIE, "care", "session"}, "a new cookie: say what it is in the notice"
    for lang, words in (("en", ("This matters to me", "5 years", "large text", "fingerprint")),
                        ("zh", ("我也关心", "5 年", "大字", "指纹"))):
        notice = text_of(client.get(f"/{lang}/privacy").data)
        for word in words:
            assert word in notice, (lang, word)
    assert marks.COOKIE_MAX_AGE == 5 * 365 * 24 * 3600  # the notice says 5 years


def test_comments_stored_before_a_masking_rule_was_added_are_masked_by_the_daily_purge(app, client, monkeypatch):
    """body_public is masked once, when the comment arrives. A number the rules of the day missed
    ("138 - 1234 - 5678" until the spaced dash was read) stayed on the published page after the rule was
    added. The daily `flask privacy purge` now applies the current rules to every comment, so a comment
    sent before a masking fix is masked once the fix is deployed; the page and the search index follow."""
    from portal.extensions import db
    from portal.models import Feedback
    from portal.services import feedback

    reindexed = []
    monkeypatch.setattr("portal.search.upkeep.update_items", lambda codes: reindexed.extend(codes))
    _, code = submit_direct(app, body="电梯坏了，请打 138 - 1234 - 5678 联系我。")
    with app.app_context():
        fb = feedback.find_by_code(code)
        fb.body_public = fb.body  # as the rules before the fix stored it
        fb.state = "published"
        db.session.commit()
    page = "/zh/plans/2023-city-management/items/2.3"
    assert "1234" in text_of(client.get(page).data)
    reindexed.clear()
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "1 comments masked again" in result.output or "1 comment masked again" in result.output, result.output
    with app.app_context():
        assert feedback.find_by_code(code).body_public == "电梯坏了，请打 138****5678 联系我。"
        assert db.session.query(Feedback).count() == 1
    assert "1234" not in text_of(client.get(page).data)
    assert any("2.3" in key for key in reindexed), reindexed
    again = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "0 comments masked again" in again.output, again.output
