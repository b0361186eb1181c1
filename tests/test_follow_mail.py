"""Follow by e-mail against a real SMTP server: confirm, one mail per update, unsubscribe, SMTP down
then up (delivered once, nothing lost), the comment-answered checkbox, limits, and the feature hidden
when no server is configured."""
from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import csrf_from, text_of
from feedback_support import send_comment, tracking_code
from mail_support import link_in, mail_app, send_pending, smtp, text  # noqa: F401 (fixtures)
from progress_support import add_site, move_site, publish

ADDRESS = "resident@example.org"


def _follow(client, kind="item", key="2.3", page="/en/plans/2023-city-management/items/2.3", address=ADDRESS, ip="198.51.100.7"):
    token = csrf_from(client.get(page).data)
    return client.post("/en/follow", data={"csrf_token": token, "email": address, "kind": kind, "key": key},
                       environ_base={"REMOTE_ADDR": ip})


def _confirm(client, message):
    path = link_in(message, "/follow/confirm/")
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_from(page.data)})


def _rows(app, model):
    from portal.extensions import db

    with app.app_context():
        return db.session.query(model).count()


def test_whole_cycle_confirm_update_unsubscribe(mail_app, smtp):
    from portal.models import Subscription

    client = mail_app.test_client()
    page = client.get("/en/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert 'action="/en/follow#error-summary"' in page and 'href="/en/plans/2023-city-management/items/2.3/feed.atom"' in page
    assert "Check your e-mail" in text_of(_follow(client).data)
    send_pending(mail_app)
    [confirmation] = smtp.inbox.to(ADDRESS)
    assert "Please confirm" in confirmation["Subject"] and "2.3" in confirmation["Subject"]

    publish(mail_app, "2.3", "in_progress", "意愿征询完成。", "2023-08-10", "Consultation done.")
    send_pending(mail_app)
    assert len(smtp.inbox.to(ADDRESS)) == 1, "nothing but the confirmation before confirming"

    assert "You now follow it" in text_of(_confirm(client, confirmation).data)
    assert client.get(link_in(confirmation, "/follow/confirm/")).status_code == 404, "the link works once"

    publish(mail_app, "2.3", "delayed", "因审批推迟。", "2023-09-10", "Delayed by the permit.")
    send_pending(mail_app)
    update = smtp.inbox.to(ADDRESS)[1:]
    assert len(update) == 1
    [update] = update
    assert update["Subject"].endswith(": Delayed") and "Delayed by the permit." in text(update)
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = update["List-Unsubscribe"].strip().strip("<>").replace("http://localhost", "")
    assert unsubscribe == link_in(update, "/follow/unsubscribe/")
    send_pending(mail_app)
    assert len(smtp.inbox.to(ADDRESS)) == 2, "nothing sent twice"

    # RFC 8058: the mail program posts List-Unsubscribe=One-Click, without our form token.
    assert client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _rows(mail_app, Subscription) == 0, "the address is erased"
    publish(mail_app, "2.3", "in_progress", "恢复施工。", "2023-10-10")
    send_pending(mail_app)
    assert len(smtp.inbox.to(ADDRESS)) == 2


def _confirmed(app, kind, key, lang="en", address=ADDRESS):
    from portal.extensions import db
    from portal.models import Subscription
    from portal.services import follow

    with app.test_request_context():
        follow.subscribe(address, kind, key, lang)
        stored = f"2023-city-management/{key}" if kind == "item" and "/" not in key else key  # a plan's work point
        sub = db.session.query(Subscription).filter_by(email=address, kind=kind, key=stored).one()
        sub.confirmed_at = sub.created_at
        db.session.commit()


def test_site_stage_and_place_follow_one_mail_per_update_in_the_language_followed(mail_app, smtp):
    sid = add_site(mail_app, "2.3", "甲楼加装电梯", "consultation", place="gutong-sicun", name_en="Lift, block A")
    _confirmed(mail_app, "site", str(sid), "zh")
    _confirmed(mail_app, "place", "gutong-sicun", "zh")  # the same address twice: still one mail per update
    _confirmed(mail_app, "site", str(sid), "en", "other@example.org")
    send_pending(mail_app)
    before = len(smtp.inbox.messages)
    move_site(mail_app, sid, "construction", "2023-09-01", "开工")
    send_pending(mail_app)
    new = smtp.inbox.messages[before:]
    assert sorted(m["To"] for m in new) == ["other@example.org", ADDRESS]
    zh = next(m for m in new if m["To"] == ADDRESS)
    assert zh["Subject"].endswith("甲楼加装电梯: 施工中") or "甲楼加装电梯" in zh["Subject"]
    assert "/zh/plans/2023-city-management/items/2.3/sites/" in text(zh)
    en = next(m for m in new if m["To"] != ADDRESS)
    assert en["Subject"].endswith("Lift, block A: Under construction")


def test_smtp_down_then_up_delivers_once_and_loses_nothing(mail_app, smtp):
    from portal.models import MailMessage, utcnow

    _confirmed(mail_app, "item", "4.1")
    send_pending(mail_app)  # the confirmation
    smtp.stop()
    publish(mail_app, "4.1", "completed", "达标。", "2023-12-01", "Done.")
    publish(mail_app, "4.1", "in_progress", "复查。", "2023-12-05", "Re-checked.")
    # Each run stops at the first connection failure; the next run tries the next message.
    assert [(r.sent, r.failed) for r in (send_pending(mail_app) for _ in range(3))] == [(0, 1), (0, 1), (0, 0)]
    assert send_pending(mail_app).failed == 0, "not retried before its back-off"
    smtp.start()
    up = send_pending(mail_app, now=utcnow() + timedelta(minutes=2))
    assert up.sent == 2
    assert send_pending(mail_app, now=utcnow() + timedelta(days=1)).sent == 0
    subjects = [m["Subject"].strip() for m in smtp.inbox.to(ADDRESS)][1:]  # after the confirmation
    assert len(subjects) == 2 and subjects[0].endswith(": Completed") and subjects[1].endswith(": In progress")
    from portal.extensions import db

    with mail_app.app_context():
        rows = db.session.query(MailMessage).filter(MailMessage.subject.like("4.1%")).all()
        assert [r.attempts for r in rows] == [2, 2] and all(r.sent_at for r in rows)


def test_comment_answered_by_mail(mail_app, smtp):
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.services import feedback

    client = mail_app.test_client()
    assert "E-mail me when my comment is answered" in client.get("/en/plans/2023-city-management/items/2.3").get_data(as_text=True)
    refused = send_comment(client, lang="en", contact="13800000000", notify_reply="y")
    assert refused.status_code == 400 and "Please give your e-mail address above" in text_of(refused.data)
    code = tracking_code(send_comment(client, lang="en", contact=ADDRESS, notify_reply="y"))
    send_pending(mail_app)
    [confirmation] = smtp.inbox.to(ADDRESS)
    assert code in confirmation["Subject"]
    _confirm(client, confirmation)
    with mail_app.test_request_context():
        staff = db.session.query(StaffUser).first() or None
        feedback.approve(feedback.find_by_code(code), staff, reply="We will start in March.")
    send_pending(mail_app)
    answered = smtp.inbox.to(ADDRESS)[1:]
    assert len(answered) == 1 and "We will start in March." in text(answered[0])


def test_follow_requests_are_limited_per_address(mail_app, smtp):
    client = mail_app.test_client()
    answers = [_follow(client, ip=f"198.51.100.{n}").status_code for n in range(1, 6)]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]


def test_bad_address_is_refused_beside_the_field(mail_app, smtp):
    client = mail_app.test_client()
    r = _follow(client, address="not an address")
    assert r.status_code == 400 and "does not look like an e-mail address" in text_of(r.data)
    assert send_pending(mail_app).sent == 0


def test_without_smtp_settings_the_feature_is_hidden(client):
    page = client.get("/en/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert 'action="/en/follow' not in page and "E-mail me when" not in page
    assert 'href="/en/plans/2023-city-management/items/2.3/feed.atom"' in page, "the feed is still offered"
    token = csrf_from(page)
    assert client.post("/en/follow", data={"csrf_token": token, "email": ADDRESS, "kind": "item",
                                           "key": "2.3"}).status_code == 404


def test_staff_see_counts_never_addresses(mail_app, smtp):
    _confirmed(mail_app, "item", "2023-city-management/2.3")
    _confirmed(mail_app, "place", "gutong-sicun", address="second@example.org")
    client = mail_app.test_client()
    _follow(client, address="waiting@example.org")
    from conftest import login, make_staff

    make_staff(mail_app, "mod", "moderator")
    staff = mail_app.test_client()
    login(staff, "mod")
    page = text_of(staff.get("/staff/", headers={"Accept-Language": "en"}).data)
    assert "Work points: 1" in page and "Places: 1" in page and "1 more not confirmed yet" in page
    assert "@example.org" not in page


def test_links_in_mails_use_the_public_url_when_set(app_factory, smtp):
    from portal.services import follow

    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
                      PUBLIC_URL="https://portal.example.cn/")
    with app.app_context():  # as from the command line: no request
        follow.subscribe(ADDRESS, "place", "gutong-sicun", "zh")
    send_pending(app)
    [message] = smtp.inbox.to(ADDRESS)
    assert "https://portal.example.cn/zh/follow/confirm/" in text(message)
    assert message["From"] == "noreply@127.0.0.1"


def test_a_message_claimed_by_another_run_is_not_sent_twice(mail_app, smtp, monkeypatch):
    """Two runs at once (cron starting one while a slow one is still sending): the second leaves alone
    what the first has claimed; if the first dies mid-send, its message goes out once its claim expires."""
    import smtplib
    import threading

    from portal.extensions import db
    from portal.models import MailMessage, utcnow
    from portal.services import mail

    with mail_app.app_context():
        mail.enqueue(ADDRESS, "Subject", "Body")
        db.session.commit()
    second_run = []

    def another_run_starts_then_this_one_dies(self, *args, **kwargs):
        other = threading.Thread(target=lambda: second_run.append(send_pending(mail_app)))
        other.start()
        other.join()
        raise RuntimeError("the worker running the first run is killed")

    monkeypatch.setattr(smtplib.SMTP, "send_message", another_run_starts_then_this_one_dies)
    with pytest.raises(RuntimeError):
        send_pending(mail_app)
    monkeypatch.undo()
    assert [r.sent for r in second_run] == [0], "the second run sent a message the first had claimed"
    assert send_pending(mail_app).sent == 0, "held by the run that died"
    # The other run died without sending: after the claim expires the message goes out, once.
    later = utcnow() + mail.CLAIM + timedelta(seconds=1)
    assert send_pending(mail_app, now=later).sent == 1
    assert send_pending(mail_app, now=later + timedelta(hours=1)).sent == 0
    assert len(smtp.inbox.to(ADDRESS)) == 1
    with mail_app.app_context():
        assert db.session.query(MailMessage).one().attempts == 1


def test_a_follow_request_for_an_odd_key_is_refused_not_an_error(mail_app, smtp):
    """The hidden key is read with the ASCII-only rule: "²" passes str.isdigit() but not int()."""
    client = mail_app.test_client()
    for kind, key in (("site", "²"), ("area", "３"), ("site", "9" * 40)):
        response = _follow(client, kind=kind, key=key)
        assert response.status_code < 500, (kind, key, response.status_code)


# --- One address, however it is typed --------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,19}", fullmatch=True)
_LABEL = st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)
_ADDRESS = st.builds(lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
                     _LOCAL, st.lists(_LABEL, min_size=1, max_size=3), st.sampled_from(["com", "cn", "org", "net"]))


def _fullwidth(c: str) -> str:
    return chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c


@st.composite
def _as_typed(draw, address: str) -> str:
    """What a resident may type for `address`: any letters upper-case, any characters in the full-width
    forms a Chinese input method gives, the domain's dots as "。", spaces around."""
    local, domain = address.split("@")
    out = []
    for c in address:
        if draw(st.booleans()):
            c = c.upper()
        out.append(_fullwidth(c) if draw(st.booleans()) else c)
    typed = "".join(out)
    if draw(st.booleans()):
        at = typed.index("@") if "@" in typed else typed.index("＠")
        typed = typed[:at] + typed[at:].replace(".", "。").replace("．", "。")
    space = st.sampled_from(["", " ", "\u3000", "\t"])
    return draw(space) + typed + draw(space)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_an_address_typed_in_any_case_or_full_width_is_the_same_address(data):
    from portal.services.follow import normalise_email

    address = data.draw(_ADDRESS)
    typed = data.draw(_as_typed(address))
    assert normalise_email(typed) == address, typed


def test_an_address_with_a_chinese_domain_is_kept_as_its_ascii_form():
    from portal.services.follow import normalise_email

    assert normalise_email("Li.Ming@例子.中国") == "li.ming@xn--fsqu00a.xn--fiqs8s"
    assert normalise_email("li.ming@例子。中国") == "li.ming@xn--fsqu00a.xn--fiqs8s"
    assert normalise_email("李明@example.com") is None, "a non-ASCII mailbox name needs SMTPUTF8: refused"


def test_the_per_address_limit_and_the_one_row_per_address_hold_whatever_the_case(mail_app, smtp):
    """Each spelling of one mailbox used to be its own address: its own limit (so one mailbox could be sent
    any number of confirmations) and its own subscription (so it got each update once per spelling)."""
    from portal.models import Subscription

    client = mail_app.test_client()
    spellings = [ADDRESS, ADDRESS.upper(), " Resident@Example.org", "rEsIdEnT@example.ORG"]
    answers = [_follow(client, address=a, ip=f"198.51.100.{n}").status_code for n, a in enumerate(spellings, 1)]
    assert answers == [200, 200, 200, 429]
    assert _rows(mail_app, Subscription) == 1
    send_pending(mail_app)
    assert {m["To"] for m in smtp.inbox.messages} == {ADDRESS}


def test_a_confirmation_link_lives_seven_days_from_the_request_that_mailed_it(mail_app, smtp):
    """The notice and the mail say so; it used to live until the daily purge (or for ever without it), and a
    request made again later kept the first request's date, so the purge could delete its fresh link."""
    from portal.extensions import db
    from portal.models import Subscription, utcnow
    from portal.services.privacy import purge

    client = mail_app.test_client()
    _follow(client)
    send_pending(mail_app)
    [first] = smtp.inbox.to(ADDRESS)
    with mail_app.app_context():
        db.session.query(Subscription).update({"created_at": utcnow() - timedelta(days=7, minutes=1)})
        db.session.commit()
    assert client.get(link_in(first, "/follow/confirm/")).status_code == 404, "8 days old"

    _follow(client)  # asked again: a new link, for 7 days from now
    send_pending(mail_app)
    second = smtp.inbox.to(ADDRESS)[-1]
    with mail_app.app_context():
        purge(now=utcnow() + timedelta(days=6))
    assert "You now follow it" in text_of(_confirm(client, second).data)


def test_a_line_break_in_a_name_does_not_stop_the_mail_queue(mail_app, smtp):
    """A cell written with Alt+Enter in the progress spreadsheet gives a project name with a line break;
    the name goes into the subject, where a line break is refused, and the refusal stopped every run of
    the queue at that message, so nothing queued after it went out."""
    sid = add_site(mail_app, "2.3", "甲楼\n加装电梯", "consultation", name_en="Lift,\r\nblock A")
    _confirmed(mail_app, "site", str(sid))
    _confirmed(mail_app, "item", "4.1", address="other@example.org")
    send_pending(mail_app)
    move_site(mail_app, sid, "construction", "2023-09-01")
    publish(mail_app, "4.1", "completed", "达标。", "2023-12-01", "Done.")
    report = send_pending(mail_app)
    assert (report.sent, report.failed) == (2, 0), report.errors
    lift = smtp.inbox.to(ADDRESS)[-1]  # after the confirmation
    assert lift["Subject"].endswith("Lift, block A: Under construction"), lift["Subject"]
    assert len(smtp.inbox.to("other@example.org")) == 2, "its confirmation, then the update"


def test_a_forged_host_never_reaches_a_mail(mail_app, smtp, tmp_path):
    """nginx passes any Host header on (server_name _): a confirmation mail took its links from the request,
    so anyone could have the town's server mail a resident a link to their own host (outside production
    too: a staging server mails real people). Links come from PORTAL_PUBLIC_URL alone, and the settings
    refuse mail without it in every environment."""
    from portal.config import Settings

    client = mail_app.test_client()
    token = csrf_from(client.get("/en/plans/2023-city-management/items/2.3").data)
    client.post("/en/follow", base_url="http://evil.example", data={"csrf_token": token, "email": ADDRESS,
                                                                    "kind": "item", "key": "2.3"})
    send_pending(mail_app)
    [confirmation] = smtp.inbox.to(ADDRESS)
    assert "evil.example" not in text(confirmation)
    assert "http://localhost/en/follow/confirm/" in text(confirmation), "an app built without the setting (tests)"

    for env_name in ("production", "development", ""):
        env = {"PORTAL_ENV": env_name, "PORTAL_SECRET_KEY": "k" * 64, "PORTAL_INSTANCE_DIR": str(tmp_path),
               "PORTAL_SMTP_HOST": "mail.example.org"}
        with pytest.raises(RuntimeError, match="PORTAL_PUBLIC_URL"):
            Settings(env).app_config()
        assert Settings({**env, "PORTAL_PUBLIC_URL": "https://zj.example.gov.cn"}).app_config()["SMTP_HOST"]
        if env_name != "production":  # which needs the address anyway (tests/test_operations.py)
            assert not Settings({**env, "PORTAL_SMTP_HOST": ""}).app_config()["PUBLIC_URL"], "no mail: no need"


def test_nothing_is_sent_after_unsubscribing_even_if_it_was_already_queued(mail_app, smtp):
    """With the mail server down (or within the minute before the next run), updates wait in the queue;
    one that was waiting when the resident pressed "stop" still went out afterwards, to an address the
    notice says is deleted."""
    from portal.extensions import db
    from portal.models import MailMessage, Subscription, utcnow
    from portal.services import follow

    _confirmed(mail_app, "item", "4.1")
    _confirmed(mail_app, "item", "2.3")
    send_pending(mail_app)
    smtp.stop()
    publish(mail_app, "4.1", "completed", "达标。", "2023-12-01", "Done.")
    with mail_app.test_request_context():
        sub = db.session.query(Subscription).filter_by(key="2023-city-management/4.1").one()
        path = f"/en/follow/unsubscribe/{sub.id}/{follow.unsubscribe_signature(sub)}"
    client = mail_app.test_client()
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    smtp.start()
    assert send_pending(mail_app, now=utcnow() + timedelta(minutes=5)).sent == 0
    publish(mail_app, "2.3", "in_progress", "开工。", "2023-12-02", "Started.")
    assert send_pending(mail_app).sent == 1, "what the address still follows goes on"
    assert len(smtp.inbox.to(ADDRESS)) == 3, "the two confirmations, then only the update of 2.3"
    with mail_app.app_context():
        assert db.session.query(MailMessage).filter(MailMessage.sent_at.is_(None)).count() == 0


def test_a_mail_deleted_while_with_the_server_does_not_stop_the_run(mail_app, smtp, monkeypatch):
    """The resident may stop following while the run hands that very mail over: the run goes on."""
    import smtplib
    import threading

    from portal.extensions import db
    from portal.models import MailMessage
    from portal.services import mail

    with mail_app.app_context():
        first = mail.enqueue(ADDRESS, "First", "Body")
        mail.enqueue("other@example.org", "Second", "Body")
        db.session.commit()
        first_id = first.id
    real_send = smtplib.SMTP.send_message

    def deleted_meanwhile(self, message, *args, **kwargs):
        if message["Subject"] == "First":
            def delete():
                with mail_app.app_context():
                    db.session.query(MailMessage).filter_by(id=first_id).delete()
                    db.session.commit()
            other = threading.Thread(target=delete)
            other.start()
            other.join()
        return real_send(self, message, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", deleted_meanwhile)
    assert send_pending(mail_app).sent == 2


def test_the_same_request_twice_at_once_is_one_request_not_an_error(mail_app, smtp, monkeypatch):
    """A double tap on a slow phone network sends the form twice; the second found no row yet, then met the
    first one's at commit (one row per address and thing) and answered 500."""
    import threading

    from portal.services import follow, mail

    real_enqueue = mail.enqueue

    def the_other_request_commits_first(*args, **kwargs):
        monkeypatch.setattr(mail, "enqueue", real_enqueue)
        other = threading.Thread(target=lambda: _request_in_another_worker(mail_app))
        other.start()
        other.join()
        return real_enqueue(*args, **kwargs)

    def _request_in_another_worker(app):
        with app.test_request_context():
            follow.subscribe(ADDRESS, "item", "2.3", "en")

    monkeypatch.setattr(mail, "enqueue", the_other_request_commits_first)
    response = _follow(mail_app.test_client())
    assert response.status_code == 200 and "Check your e-mail" in text_of(response.data)
    send_pending(mail_app)
    assert len(smtp.inbox.to(ADDRESS)) == 1


def test_one_mailbox_gets_at_most_three_confirmations_an_hour_from_both_forms(mail_app, smtp):
    """The per-address limit sat on the follow form alone: the comment form's "e-mail me the answer" box,
    limited per network address only, sent a confirmation to any address as often as comments could be
    sent. And every address the form could not read shared one bucket, so after three typos anywhere in
    an hour every resident's typo was answered "too many requests" instead of being pointed out."""
    client = mail_app.test_client()
    for n in range(1, 5):
        typo = _follow(client, address=f"resident{n}@example", ip=f"198.51.100.{n}")
        assert typo.status_code == 400 and "does not look like an e-mail address" in text_of(typo.data)

    answers = [send_comment(client, lang="en", ip=f"203.0.113.{n}", contact=spelling, notify_reply="y",
                            body=f"第{n}条评论：电梯什么时候开工？").status_code
               for n, spelling in enumerate((ADDRESS, ADDRESS.upper(), ADDRESS, ADDRESS, ADDRESS), start=1)]
    assert answers == [302] * 5, "the comments themselves are taken"
    assert _follow(client, ip="198.51.100.9").status_code == 429
    send_pending(mail_app)
    assert len(smtp.inbox.to(ADDRESS)) == 3


def test_ticking_the_answer_box_after_going_back_is_not_lost(mail_app, smtp):
    """A resident sends a comment, goes back, ticks "e-mail me when it is answered" (with their address) and
    sends the same text again: the comment is rightly stored once, but the request to be told was dropped
    with the repeat, while the tracking page let them believe it was taken. A double click with the box
    ticked still asks once (a second confirmation would make the first link invalid)."""
    client = mail_app.test_client()
    first = tracking_code(send_comment(client, lang="en"))
    again = tracking_code(send_comment(client, lang="en", contact=ADDRESS, notify_reply="y"))
    assert again == first
    tracking_code(send_comment(client, lang="en", contact=ADDRESS, notify_reply="y"))  # a double click
    send_pending(mail_app)
    [confirmation] = smtp.inbox.to(ADDRESS)
    assert first in confirmation["Subject"]
    assert _confirm(client, confirmation).status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_broken_unsubscribe_link_does_not_claim_the_mails_have_stopped(mail_app, smtp, method):
    """A mail program that wraps or cuts a long link, or a link from an older mail: the row it names is not
    found. The page answered "No more e-mails … nothing more will be sent" while the address still followed
    and kept receiving every update."""
    from portal.extensions import db
    from portal.models import Subscription
    from portal.services import follow

    _confirmed(mail_app, "item", "2.3")
    with mail_app.test_request_context():
        sub = db.session.query(Subscription).one()
        cut = f"/en/follow/unsubscribe/{sub.id}/{follow.unsubscribe_signature(sub)[:20]}"
    client = mail_app.test_client()
    r = client.get(cut) if method == "GET" else client.post(cut, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 404
    page = text_of(r.data)
    assert "No more e-mails" not in page and "nothing more will be sent" not in page
    assert "nothing was changed" in page
    assert _rows(mail_app, Subscription) == 1


def test_a_double_tap_on_follow_sends_one_link_that_works(mail_app, smtp):
    """The second of two taps a moment apart found the first one's unconfirmed row, gave it a new link and
    mailed that too: the first mail's link, often the one opened, answered "This link is no longer valid".
    A request made again later (the mail went astray) still sends a new link."""
    from portal.extensions import db
    from portal.models import Subscription, utcnow

    client = mail_app.test_client()
    assert _follow(client).status_code == 200
    assert _follow(client).status_code == 200
    send_pending(mail_app)
    [first] = smtp.inbox.to(ADDRESS)
    with mail_app.app_context():
        db.session.query(Subscription).update({"created_at": utcnow() - timedelta(minutes=11)})
        db.session.commit()
    _follow(client)
    send_pending(mail_app)
    [_first, second] = smtp.inbox.to(ADDRESS)
    assert client.get(link_in(first, "/follow/confirm/")).status_code == 404, "replaced by the later request"
    assert "You now follow it" in text_of(_confirm(client, second).data)


def test_the_first_of_two_taps_confirms(mail_app, smtp):
    client = mail_app.test_client()
    _follow(client)
    _follow(client)
    send_pending(mail_app)
    assert "You now follow it" in text_of(_confirm(client, smtp.inbox.to(ADDRESS)[0]).data)


@pytest.mark.parametrize("lang, words", [("en", "in an hour"), ("zh", "一小时后")])
def test_over_the_follow_limit_the_page_says_how_long_and_where_the_link_is(mail_app, smtp, lang, words):
    """The fourth request in an hour for one address got the generic "please wait a few minutes", while the
    limit lasts the hour, and nothing said that the link already mailed still works."""
    client = mail_app.test_client()
    for n in range(3):
        _follow(client, ip=f"198.51.100.{n + 1}")
    token = csrf_from(client.get(f"/{lang}/plans/2023-city-management/items/2.3").data)
    refused = client.post(f"/{lang}/follow", data={"csrf_token": token, "email": ADDRESS, "kind": "item", "key": "2.3"},
                          environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert refused.status_code == 429
    assert words in text_of(refused.data)


def _withdraw(client, code):
    track = client.get(f"/en/feedback/{code}")
    assert client.post(f"/en/feedback/{code}/withdraw", data={"csrf_token": csrf_from(track.data)}).status_code == 302


def test_nothing_queued_for_a_comment_is_sent_after_it_is_withdrawn(mail_app, smtp):
    """Withdrawing deleted the addresses waiting for the comment's answer but not the mails already waiting
    in the queue for them (the server was down, or the next run was under a minute away): the confirmation,
    or the answer itself, still reached the resident who had withdrawn. Other mails to the same address go on."""
    from portal.extensions import db
    from portal.models import MailMessage
    from portal.services import feedback

    client = mail_app.test_client()
    smtp.stop()
    _confirmed(mail_app, "item", "2.3")
    code = tracking_code(send_comment(client, lang="en", contact=ADDRESS, notify_reply="y"))
    _withdraw(client, code)
    smtp.start()
    assert send_pending(mail_app).sent == 1, "only the confirmation of the work point"
    assert code not in " ".join(m["Subject"] for m in smtp.inbox.to(ADDRESS))

    answered = tracking_code(send_comment(client, lang="en", body="第二条意见，关于楼道照明的安排和时间。", contact=ADDRESS,
                                          notify_reply="y"))
    send_pending(mail_app)
    _confirm(client, smtp.inbox.to(ADDRESS)[-1])
    smtp.stop()
    with mail_app.test_request_context():
        feedback.approve(feedback.find_by_code(answered), None, reply="We will start in March.")
    _withdraw(client, answered)
    smtp.start()
    assert send_pending(mail_app).sent == 0, "the answer waiting in the queue went with the comment"
    with mail_app.app_context():
        assert db.session.query(MailMessage).filter(MailMessage.sent_at.is_(None)).count() == 0


def test_the_privacy_purge_takes_the_mails_waiting_for_the_comment_too(mail_app, smtp):
    from datetime import datetime

    from portal.extensions import db
    from portal.models import MailMessage
    from portal.services import feedback, privacy

    client = mail_app.test_client()
    smtp.stop()
    code = tracking_code(send_comment(client, lang="en", contact=ADDRESS, notify_reply="y"))
    with mail_app.test_request_context():
        fb = feedback.find_by_code(code)
        feedback.approve(fb, None)
        fb = feedback.find_by_code(code)
        fb.moderated_at = datetime(2020, 1, 1)
        db.session.commit()
        privacy.purge()
        assert db.session.query(MailMessage).filter(MailMessage.sent_at.is_(None)).count() == 0


def test_a_mail_refused_for_its_content_does_not_stop_the_run(mail_app, smtp, monkeypatch):
    """A server that refuses one message for what it holds (554 after DATA: a spam or content filter), not
    for its address, left the connection usable, yet the run stopped there and every mail after it waited
    for the next run, where the same message stopped it again until it gave up. It counts its attempt."""
    from portal.extensions import db
    from portal.models import MailMessage
    from portal.services import mail

    accept = smtp.inbox.handle_DATA

    async def content_filter(server, session, envelope):
        if b"Subject: Refused" in envelope.content:
            return "554 5.6.0 Message content rejected"
        return await accept(server, session, envelope)

    monkeypatch.setattr(smtp.inbox, "handle_DATA", content_filter, raising=False)
    with mail_app.app_context():
        mail.enqueue("first@example.org", "First", "Body")
        refused = mail.enqueue(ADDRESS, "Refused", "Body")
        mail.enqueue("third@example.org", "Third", "Body")
        db.session.commit()
        refused_id = refused.id
    report = send_pending(mail_app)
    assert (report.sent, report.failed) == (2, 1), report.errors
    assert len(smtp.inbox.to("third@example.org")) == 1
    with mail_app.app_context():
        message = db.session.get(MailMessage, refused_id)
        assert message.attempts == 1 and message.sent_at is None and "554" in message.last_error


def test_a_comment_withdrawn_while_the_run_connects_gets_no_mail(mail_app, smtp, monkeypatch):
    """A run read the mail about a comment, then opened the connection to the server (TLS and login can take
    seconds); the resident withdrew the comment meanwhile, the withdrawal deleted the mail from the queue, and
    the run still handed over the copy it had read. The run now claims and reads each mail only once the
    connection is open: a withdrawal is either before the claim (nothing is sent) or after the handover."""
    from portal.services import mail

    client = mail_app.test_client()
    smtp.stop()
    code = tracking_code(send_comment(client, lang="en", contact=ADDRESS, notify_reply="y"))
    smtp.start()
    real_connect = mail._connect

    def withdrawn_while_connecting():
        import threading

        other = threading.Thread(target=lambda: _withdraw(mail_app.test_client(), code))
        other.start()
        other.join()
        return real_connect()

    monkeypatch.setattr(mail, "_connect", withdrawn_while_connecting)
    assert send_pending(mail_app).sent == 0
    assert smtp.inbox.to(ADDRESS) == [], "a mail about the withdrawn comment reached the resident"


@pytest.mark.parametrize("kind, key", [("item", "99.99"), ("site", "424242"), ("place", "nowhere")])
def test_following_a_thing_that_is_gone_does_not_blame_the_address(mail_app, smtp, kind, key):
    """A site deleted, or a work point renumbered, while its page was open: the follow form posted a key that
    names nothing. The answer said "Please correct your e-mail address." under a correct address, and the
    resident could only send it again and again."""
    client = mail_app.test_client()
    response = _follow(client, kind=kind, key=key)
    page = text_of(response.data)
    assert response.status_code == 400
    assert "correct your e-mail address" not in page and "This page cannot be followed" in page
    send_pending(mail_app)
    assert not smtp.inbox.to(ADDRESS)
