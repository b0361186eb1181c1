"""What residents (and robots) may send that the form must survive: nothing breaks, nothing is lost,
nothing is stored twice, nothing runs in a reader's browser."""
from __future__ import annotations

import csv
import io

import pytest

from conftest import csrf_from, make_staff, text_of
from feedback_support import BODY, feedback_by_code, send_comment, submit_direct, tracking_code

SCRIPT = '<script>alert("x")</script>'
IMG = '<img src=x onerror=alert(1)>'


def _count(app) -> int:
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        return db.session.query(Feedback).count()


def _publish(app, feedback_id: int, reply: str | None = None) -> None:
    staff_id = make_staff(app, f"pub-{feedback_id}", "moderator")
    from portal.extensions import db
    from portal.models import Feedback, StaffUser
    from portal.services import feedback

    with app.app_context():
        feedback.approve(db.session.get(Feedback, feedback_id), db.session.get(StaffUser, staff_id), reply=reply)


@pytest.mark.parametrize("lang, title", [("zh", "来自其他网站的提交"), ("en", "Sent from another site")])
def test_a_comment_posted_from_another_site_is_refused_with_a_clear_page(app, client, lang, title):
    r = client.post(f"/{lang}/plans/2023-city-management/items/2.3/feedback", data={"body": BODY, "kind": "question", "place": ""},
                    headers={"Origin": "https://forms.example.net"})
    assert r.status_code == 403
    text = text_of(r.data)
    assert title in text
    assert ("nothing was saved" in text) if lang == "en" else ("没有保存" in text)
    assert _count(app) == 0


@pytest.mark.parametrize("lang, copy_note", [("zh", "下面是您填写的文字"), ("en", "Here is what you typed")])
def test_a_comment_refused_as_cross_site_is_shown_back_to_copy_escaped_and_not_stored(app, client, lang, copy_note):
    # A translation proxy or an odd browser may name another site: the comment must not be lost with the post.
    body = f"路灯坏了两个月 {SCRIPT} please fix"
    r = client.post(f"/{lang}/plans/2023-city-management/items/2.3/feedback",
                    data={"body": body, "kind": "question", "place": "", "contact": "13812345678"},
                    headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    page = r.data.decode()
    assert copy_note in text_of(page)
    assert "路灯坏了两个月 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; please fix" in page
    assert SCRIPT not in page
    assert "13812345678" not in page  # the contact is private: only what was written for staff comes back
    assert _count(app) == 0


def test_a_report_reason_refused_as_cross_site_is_shown_back(app, client):
    r = client.post("/en/feedback/1/flag", data={"reason": "It names my neighbour"},
                    headers={"Origin": "https://translate.example.net"})
    assert r.status_code == 403 and "It names my neighbour" in r.data.decode()


def test_no_token_is_needed_and_a_stray_one_changes_nothing(app, client):
    assert send_comment(client, csrf_token="forged-token").status_code == 302 and _count(app) == 1


@pytest.mark.parametrize("field, value, message", [
    ("body", "字" * 2001, "Please write between 5 and 2,000 characters."),
    ("display_name", "名" * 41, "Please use at most 40 characters."),
    ("contact", "1" * 121, "Please use at most 120 characters."),
])
def test_over_long_text_is_refused_beside_the_field(app, client, field, value, message):
    r = send_comment(client, lang="en", **{field: value})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert f'id="{field}-error">{message}' in page
    assert value in page  # kept, so the resident can shorten it rather than type it again
    assert _count(app) == 0


def test_exactly_2000_characters_is_accepted(app, client):
    assert send_comment(client, body="字" * 2000).status_code == 302


def test_a_request_far_too_large_gets_a_clear_413(app, client):
    r = send_comment(client, lang="en", body="x" * 70_000)
    assert r.status_code == 413 and "Too much text" in text_of(r.data)
    assert _count(app) == 0


def test_html_in_every_field_is_shown_as_text_when_refused(app, client):
    r = send_comment(client, lang="en", body=SCRIPT, display_name=IMG, contact=SCRIPT, kind=SCRIPT, place=SCRIPT)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert SCRIPT not in page and IMG not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page or "&lt;script&gt;alert(&quot;x&quot;)" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Not a valid choice" in page  # kind and place only accept listed values
    assert _count(app) == 0


def test_html_in_an_accepted_comment_is_escaped_everywhere(app, client, staff_client):
    body = f"电梯什么时候装好？{SCRIPT}{IMG}"
    code = tracking_code(send_comment(client, body=body, display_name=IMG, show_full_name="y",
                                      contact="x@example.com"))
    fb = feedback_by_code(app, code)
    assert fb.body == body  # stored as sent: escaping is the pages' job
    _publish(app, fb.id, reply=f"答复 {SCRIPT}")
    staff = staff_client("moderator")
    pages = [client.get(f"/zh/feedback/{code}"), client.get("/zh/plans/2023-city-management/items/2.3"), client.get("/en/plans/2023-city-management/items/2.3"),
             staff.get("/staff/moderation?view=published"), staff.get(f"/staff/feedback/{fb.id}")]
    for r in pages:
        page = r.get_data(as_text=True)
        assert r.status_code == 200
        assert SCRIPT not in page and IMG not in page
        assert "&lt;script&gt;" in page
    rows = list(csv.reader(io.StringIO(staff.get("/staff/feedback.csv").get_data(as_text=True))))
    assert body in rows[1]  # a CSV cell is data, not markup: kept as sent


@pytest.mark.parametrize("body", [
    "'; DROP TABLE feedback; --",
    "1' OR '1'='1' -- 电梯",
    'Robert"); DELETE FROM staff_user WHERE ("1"="1',
])
def test_sql_like_text_is_stored_verbatim_and_harms_nothing(app, client, body):
    code = tracking_code(send_comment(client, body=body, display_name="x' OR 1=1 --"))
    fb = feedback_by_code(app, code)
    assert fb.body == body and fb.display_name == "x' OR 1=1 --"
    assert _count(app) == 1
    assert client.get("/zh/plans/2023-city-management/items/2.3").status_code == 200


@pytest.mark.parametrize("path", [
    "/zh/feedback/ZJ-AAAAAA", "/en/feedback/ZJ-222222", "/zh/feedback/nonsense",
    "/zh/feedback/ZJ-' OR 1=1 --", "/en/feedback/%3Cscript%3E", "/fr/feedback/ZJ-AAAAAA",
])
def test_unknown_tracking_codes_are_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "<script>" not in r.get_data(as_text=True)


def test_lookup_of_an_unknown_code_is_404_with_the_code_shown_as_text(client):
    r = client.get("/en/feedback/?code=<b>ZJ-AAAAAA</b>")
    assert r.status_code == 404
    page = r.get_data(as_text=True)
    assert "No comment has the tracking code" in page and "<b>ZJ" not in page and "&lt;b&gt;ZJ" in page


def test_comment_on_an_unknown_item_is_404(app, client):
    page = client.get("/zh/plans/2023-city-management/items/2.3")
    r = client.post("/zh/plans/2023-city-management/items/99.9/feedback", data={"csrf_token": csrf_from(page.data), "body": BODY,
                                                    "kind": "question", "place": ""})
    assert r.status_code == 404 and _count(app) == 0


def test_the_honeypot_stores_nothing_and_says_so(app, client):
    r = send_comment(client, lang="en", website="http://spam.example")
    assert r.status_code == 400
    assert "If you are a person, please leave the last field empty." in text_of(r.data)
    assert _count(app) == 0


def test_rate_limit_answers_429_with_a_clear_message_and_keeps_the_text(app, client):
    for n in range(5):
        assert send_comment(client, body=f"第{n}条不同的留言，关于加装电梯。").status_code == 302
    r = send_comment(client, body="第六条留言，应当被限流。")
    assert r.status_code == 429
    page = r.get_data(as_text=True)
    assert "请10分钟后再试" in text_of(page)
    assert "第六条留言，应当被限流。</textarea>" in page
    assert _count(app) == 5
    r = send_comment(client, lang="en", body="Sixth comment, in English.")
    assert r.status_code == 429 and "Please wait 10 minutes" in text_of(r.data)
    # Another resident (another address) is not affected.
    assert send_comment(client, body="另一位居民的留言。", ip="198.51.100.77").status_code == 302
    assert _count(app) == 6


def test_resending_the_same_text_within_minutes_stores_it_once(app, client):
    first = tracking_code(send_comment(client, body=BODY))
    again = tracking_code(send_comment(client, body=BODY + "  "))  # e.g. a double tap or the back button
    assert first == again and _count(app) == 1
    # A duplicate does not use up the rate limit either.
    for _ in range(6):
        send_comment(client, body=BODY)
    assert _count(app) == 1


def test_a_rejected_comment_stays_in_the_database_with_its_reason(app, client):
    from portal.extensions import db
    from portal.models import Feedback, StaffUser
    from portal.services import feedback

    fid, code = submit_direct(app, body="这条留言会被拒绝，但不能被删除。", contact="13711112222")
    staff_id = make_staff(app, "rejecter", "moderator")
    with app.app_context():
        feedback.reject(db.session.get(Feedback, fid), "与本项工作无关。", db.session.get(StaffUser, staff_id))
    with app.app_context():
        fb = db.session.get(Feedback, fid)
        assert (fb.state, fb.reject_reason, fb.body, fb.contact) == \
            ("rejected", "与本项工作无关。", "这条留言会被拒绝，但不能被删除。", "13711112222")
    assert "与本项工作无关。" in text_of(client.get(f"/zh/feedback/{code}").data)
    assert "这条留言会被拒绝" not in text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)


def test_flagging_an_unpublished_comment_is_404(app, client):
    fid, _ = submit_direct(app)
    page = client.get("/zh/plans/2023-city-management/items/2.3")
    r = client.post(f"/zh/feedback/{fid}/flag", data={"csrf_token": csrf_from(page.data), "reason": "spam"})
    assert r.status_code == 404
    r = client.post("/zh/feedback/99999/flag", data={"csrf_token": csrf_from(page.data), "reason": "spam"})
    assert r.status_code == 404


def test_control_characters_are_taken_out_of_what_a_resident_typed(app, client):
    """A NUL (which PostgreSQL refuses) or another control character in any field: the comment is kept without it."""
    response = send_comment(client, body=BODY[:6] + "\x00" + BODY[6:] + "\x07", display_name="张\x00三\x1b",
                            contact="13800138000\x00", show_full_name="y")
    fb = feedback_by_code(app, tracking_code(response))
    assert (fb.body, fb.display_name) == (BODY, "张三")


def test_every_form_takes_control_characters_out():
    """Every form class of the portal derives from PortalForm, whose filter runs before the field's own."""
    import importlib
    import pkgutil

    import portal
    from flask_wtf import FlaskForm

    from portal.forms import PortalForm

    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)

    def every(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)

    forms = {f for f in every(FlaskForm) if f.__module__.startswith("portal.")}
    assert len(forms) > 15
    assert not [f.__qualname__ for f in forms if not issubclass(f, PortalForm)]


@pytest.mark.parametrize("body", ["  好       ", "\n\n好\n\n\n", "　　好　　　"])
def test_spaces_around_a_short_comment_do_not_make_it_long_enough(app, client, body):
    """The comment is stored without the spaces around it, so that is what the 5-character minimum
    measures: padded with spaces, one character was accepted and stored as a comment of one character."""
    r = send_comment(client, lang="en", body=body)
    assert r.status_code == 400
    assert 'id="body-error">Please write between 5 and 2,000 characters.' in r.get_data(as_text=True)
    assert _count(app) == 0


def test_a_report_of_spaces_around_one_letter_is_refused(app, client):
    """The same rule for the reason given when reporting a comment (at least 2 characters, stored stripped)."""
    from portal.extensions import db
    from portal.models import FeedbackFlag

    feedback_id, _code = submit_direct(app)
    _publish(app, feedback_id)
    client.post(f"/zh/feedback/{feedback_id}/flag", data={"reason": "  x  "})
    with app.app_context():
        assert db.session.query(FeedbackFlag).count() == 0


@pytest.mark.parametrize("typed", ["", "%20%20", "%E3%80%80", "%0A"])
def test_checking_with_an_empty_box_says_to_type_the_code(client, typed):
    """Spaces alone were looked up and answered "No comment has the tracking code  ." (an empty code in the
    sentence); an empty box gave the form again without a word. Both now ask for the code."""
    r = client.get(f"/en/feedback/?code={typed}")
    assert r.status_code == 400
    page = text_of(r.data)
    assert "Please type the tracking code you were given" in page
    assert "No comment has the tracking code" not in page


@pytest.mark.parametrize("typed", ["(021)58551234", "（021）5855-1234", "(021) 5855 1234", "138.0013.8000",
                                   "021-58551234", "+86 138 0013 8000", "１３８００１３８０００"])
def test_phone_numbers_written_the_usual_ways_are_taken(app, client, typed):
    """A landline with its area code in brackets, as it is printed on every notice, was refused with "Please
    give a phone number or an e-mail address" — and so was a mobile number with dots."""
    assert send_comment(client, lang="en", contact=typed).status_code == 302


@pytest.mark.parametrize("typed", ["021-5080 1234 转 801", "021-50801234-801", "021-5080 1234 ext. 801", "(021)50801234转801",
                                   "021 5080 1234 分机 801", "021-50801234 Ext 801", "021-50801234 x801", "021-50801234#801",
                                   "０２１－５０８０１２３４　转８０１", "+86 21 5080 1234 ext. 8012"])
def test_a_landline_with_an_extension_is_taken(app, client, typed):
    """Offices and many housing estates give a switchboard number and an extension: "021-5080 1234 转 801" or
    "ext. 801" was refused with "Please give a phone number or an e-mail address"."""
    r = send_comment(client, lang="en", contact=typed)
    assert r.status_code == 302, text_of(r.data)


@pytest.mark.parametrize("typed", ["call me", "12", "()()()()", "......", "138-", "1" * 25, "转 801", "ext. 801",
                                   "021-58551234 转", "021-58551234 ext.", "801 转 021-58551234",
                                   "021-58551234 转 1234567", "021-58551234 转 801 转 802", "138 转 801"])
def test_what_is_not_a_phone_number_is_still_refused(app, client, typed):
    r = send_comment(client, lang="en", contact=typed)
    assert r.status_code == 400 and "Please give a phone number or an e-mail address" in text_of(r.data)


def test_the_comment_limit_message_says_the_configured_window(app_factory):
    """The message said "wait ten minutes" whatever PORTAL_FEEDBACK_RATE_WINDOW was set to."""
    app = app_factory(FEEDBACK_RATE_LIMIT=1, FEEDBACK_RATE_WINDOW=3600)
    client = app.test_client()
    assert send_comment(client, body="第一条留言，关于加装电梯。").status_code == 302
    zh = text_of(send_comment(client, body="第二条留言，应当被限流。").data)
    en = text_of(send_comment(client, lang="en", body="Second comment, in English.").data)
    assert "请1小时后再试" in zh and "十分钟" not in zh, zh
    assert "Please wait 1 hour" in en and "ten minutes" not in en, en


@pytest.mark.parametrize("lang, words", [("zh", "请求"), ("en", "request")])
def test_a_bad_request_page_is_in_the_readers_language(client, lang, words):
    """abort(400) without a message of ours showed Werkzeug's own English sentence ("The browser (or proxy)
    sent a request that this server could not understand.") under the Chinese page's title."""
    r = client.post(f"/{lang}/follow/unsubscribe/1/abc", data={"List-Unsubscribe": "no"})
    assert r.status_code == 400
    text = text_of(r.data)
    assert "browser (or proxy)" not in text and words in text


def test_the_answer_box_of_a_page_from_before_mail_was_switched_off_is_ignored(app, client):
    """The "e-mail me the answer" box is shown only while follow by e-mail is on, but a page cached or open
    from before it was switched off still sends it. Ticked with a phone number, the comment came back as
    a 400 "please correct" with nothing to correct on the page (the box and its error are not shown)."""
    r = send_comment(client, lang="en", contact="138 1234 5678", notify_reply="y")
    assert r.status_code == 302, text_of(r.data)[:400]
    assert _count(app) == 1
