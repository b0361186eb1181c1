"""The comment form on a phone (issue 18 points 7 and 8): a reload of the address an error page left in
the address bar leads back to the form; the contact field's keyboard and autofill; comments without a
letter or digit refused; the 2,000-character limit counted as the browser counts it; the tracking page
repeats what the resident chose."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import text_of
from feedback_support import send_comment, tracking_code

NO_WORDS = "Please say what you mean in words or numbers; a comment of only emoji or punctuation cannot be read by staff."


def _count(app):
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        return db.session.query(Feedback).count()


def test_a_reload_after_a_validation_error_leads_back_to_the_form(client):
    bad = send_comment(client, body="短")
    assert bad.status_code == 400
    action = re.search(r'<form method="post" action="([^"#]+)#error-summary"', bad.get_data(as_text=True)).group(1)
    assert action == "/zh/plans/2023-city-management/items/2.3/feedback"
    again = client.get(action)  # reload, restored tab or shared link: a GET on the address bar
    assert again.status_code == 303 and again.headers["Location"].endswith("/zh/plans/2023-city-management/items/2.3#feedback-form")
    assert client.get("/en/plans/2023-city-management/items/2.3/feedback").headers["Location"].endswith("/en/plans/2023-city-management/items/2.3#feedback-form")
    assert client.get("/zh/plans/2023-city-management/items/99.99/feedback").status_code == 404


def test_a_reload_after_the_rate_limit_leads_back_to_the_form(app_factory):
    app = app_factory(FEEDBACK_RATE_LIMIT=1)
    client = app.test_client()
    assert send_comment(client, body="第一条留言，关于电梯。").status_code == 302
    limited = send_comment(client, body="第二条留言，关于电梯。")
    assert limited.status_code == 429
    assert client.get("/zh/plans/2023-city-management/items/2.3/feedback").status_code == 303


def test_a_get_on_the_report_address_leads_back_to_the_comment(app, client):
    from feedback_support import submit_direct
    from portal.extensions import db
    from portal.models import Feedback

    fid, _code = submit_direct(app)
    assert client.get(f"/zh/feedback/{fid}/flag").status_code == 404  # not published: nothing to go back to
    with app.app_context():
        db.session.get(Feedback, fid).state = "published"
        db.session.commit()
    r = client.get(f"/zh/feedback/{fid}/flag")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/zh/plans/2023-city-management/items/2.3#comment-{fid}")


def test_contact_field_keyboard_autofill_and_limit_markup(client):
    page = client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)
    contact = re.search(r"<input[^>]*id=\"contact\"[^>]*>", page).group(0)
    assert 'inputmode="email"' in contact and 'autocomplete="tel"' in contact and 'type="text"' in contact
    body = re.search(r"<textarea[^>]*id=\"body\"[^>]*>", page).group(0)
    assert 'maxlength="2000"' in body and 'data-count-target="body-count"' in body
    assert "{n}" in re.search(r'data-count-template="([^"]*)"', body).group(1)
    assert re.search(r'<script src="/assets/js/count\.[0-9a-f]{10}\.js" defer></script>', page)
    assert "5 至 2000 字。" in text_of(page)  # the limit is written out for browsers without JavaScript


NOT_WORDS = st.characters(blacklist_categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "Cs"))


@settings(max_examples=60, deadline=None)
@given(st.text(NOT_WORDS, min_size=5, max_size=40), st.sampled_from(["a", "楼", "3", "３", "Ж"]))
def test_comments_without_letters_or_digits_are_refused(body, word):
    from portal.services.feedback import has_letters_or_digits

    assert not has_letters_or_digits(body)
    assert has_letters_or_digits(body + word)


def test_an_emoji_only_comment_gets_a_message_and_nothing_is_stored(app, client):
    for body in ("👍👍👍👍👍", "。。。！！！", "!!!???...", "🏢 🚧 ⚡ 🙏 ❤️"):
        r = send_comment(client, lang="en", body=body)
        assert r.status_code == 400 and NO_WORDS in text_of(r.data), body
    assert _count(app) == 0
    assert send_comment(client, body="👍👍 电梯好 👍👍").status_code == 302


def test_line_breaks_count_once_as_in_the_browser(app, client):
    exactly = "a" * 999 + "\r\n" + "b" * 1000  # 2,000 in the browser's maxlength; 2,001 if CRLF counted twice
    assert send_comment(client, body=exactly).status_code == 302
    assert send_comment(client, body=exactly + "c", ip="198.51.100.7").status_code == 400


def test_confirmation_and_tracking_pages_repeat_place_kind_and_name(app, client):
    from portal.services.content import content

    with app.app_context():
        place = content().places[0]
    sent = send_comment(client, lang="en", kind="concern", place=place.slug, display_name="Wang Fang")
    code = tracking_code(sent)
    page = text_of(client.get(sent.headers["Location"]).data)
    assert "Thank you, your comment was received" in page
    assert f"Place {place.name.en}" in page and "Kind of comment Concern" in page
    assert "Name shown with the comment W*** F***" in page
    second = send_comment(client, ip="198.51.100.9", body="电梯井开挖前请先通知住户。")
    anon = text_of(client.get(f"/zh/feedback/{tracking_code(second)}").data)
    assert "全镇" in anon and "咨询" in anon and "未署名" in anon, anon
    assert code in text_of(client.get(f"/en/feedback/{code}").data)


def test_a_reload_of_the_other_resident_post_addresses_leads_back(app_factory):
    """A mark over its limit (429), a withdrawal over the look-up limit and every answer to the follow form
    (its "check your e-mail" page too) leave a POST-only address in the address bar; a reload, a tab the
    phone restores or a shared link sent a GET there and got 405 "This address does not accept this kind
    of request", a dead end. Like the comment form's address, each now leads back to its page."""
    from progress_support import add_site

    app = app_factory(SMTP_HOST="127.0.0.1")
    client = app.test_client()
    sid = add_site(app, "2.3", "甲楼加装电梯", "consultation")
    item = "/zh/plans/2023-city-management/items/2.3"
    expected = {
        f"{item}/matters": f"{item}#matters",
        f"{item}/sites/{sid}/matters": f"{item}/sites/{sid}#matters",
        "/en/feedback/ZJ-7K3Q9M4XRT/withdraw": "/en/feedback/ZJ-7K3Q9M4XRT",
        "/zh/follow": "/zh/",
    }
    for address, target in expected.items():
        r = client.get(address)
        assert r.status_code == 303, (address, r.status_code)
        assert r.headers["Location"].endswith(target), (address, r.headers["Location"])
    assert client.get("/zh/plans/2023-city-management/items/99.99/matters").status_code == 404
    assert client.get(f"/zh/plans/2023-city-management/items/4.1/sites/{sid}/matters").status_code == 404


def test_the_follow_address_is_not_found_without_mail(client):
    assert client.get("/zh/follow").status_code == 404
