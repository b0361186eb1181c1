"""Nothing staff type is lost when the session or the form expires: what they typed is kept server-side
(services/drafts.py) and, once they are back on the form's page (after logging in again, or reloading),
put back into the one form that posted it, once, with a notice; nothing is sent for them."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote, quote_plus

from conftest import csrf_from, login, make_staff, text_of
from feedback_support import submit_direct
from progress_support import add_site, publish
from staff_support import Clock
from test_staff_nothing_lost import _hidden

REPLY = "您好，小区加装电梯的资金分摊方案已经街道审核通过，下周一起在居委会公示七天，欢迎查看。"
NOTE = "三号楼和五号楼的电梯井道已经完成施工，正在安装导轨，预计十二月底前完成验收并投入使用。"
NOTICE = "What you typed before your session ended has been put back into the form below."
NOTICE_ZH = "登录过期前您填写的内容已填回下面的表单。"
ITEM = "/staff/items/2.3"


def _textarea(page: bytes | str, name: str) -> str | None:
    html = page.decode() if isinstance(page, bytes) else page
    m = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(m.group(1)).strip() if m else None


def _input(page: bytes, name: str) -> str:
    return _hidden(page, name)


def _draft_cookie(response) -> str | None:
    return next((h for h in response.headers.getlist("Set-Cookie") if h.startswith("staff_draft=")), None)


def _log_in_again(client, answer, username: str):
    """Logs in with the form of the login page the expired POST was answered with (it says where to go back)."""
    from conftest import STAFF_PASSWORD

    action = unescape(re.search(r'<form method="post" action="([^"]+)"', answer.get_data(as_text=True)).group(1))
    return client.post(action, data={"username": username, "password": STAFF_PASSWORD,
                                     "csrf_token": csrf_from(answer.data)})


def _drafts(app) -> int:
    from portal.extensions import db
    from portal.models import StaffDraft

    with app.app_context():
        return db.session.query(StaffDraft).count()


def _expired_reply(app_factory):
    """A moderator's session ends (idle) while they write an official reply; they press send."""
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock)
    make_staff(app, "wang", "moderator")
    fid, _code = submit_direct(app)
    c = app.test_client()
    c.set_cookie("lang", "en")  # staff pages follow this cookie
    login(c, "wang")
    page = c.get(f"/staff/feedback/{fid}")
    seen = _hidden(page.data, f"c{fid}-seen")
    clock.advance(hours=2)
    r = c.post(f"/staff/feedback/{fid}/approve", headers={"Referer": f"http://localhost/staff/feedback/{fid}"},
               data={f"c{fid}-csrf_token": csrf_from(page.data), f"c{fid}-reply": REPLY,
                     f"c{fid}-next": "/staff/moderation", f"c{fid}-seen": seen})
    return app, clock, c, fid, seen, r


def test_a_reply_typed_when_the_session_ended_is_back_in_its_form_after_login_once(app_factory):
    app, _clock, c, fid, seen, r = _expired_reply(app_factory)
    assert r.status_code == 401 and "put back into the form" in text_of(r.data)
    cookie = _draft_cookie(r)
    assert cookie and "Path=/staff/" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=3600" in cookie and "Secure" not in cookie  # plain HTTP in tests; see the HTTPS test

    back = _log_in_again(c, r, "wang")
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/staff/feedback/{fid}")
    page = c.get(back.headers["Location"])
    assert page.status_code == 200
    assert _textarea(page.data, f"c{fid}-reply") == REPLY  # in the approve form's reply, not to copy
    assert NOTICE in text_of(page.data)
    assert _hidden(page.data, f"c{fid}-seen") == seen  # the version it was written against
    assert _textarea(page.data, f"c{fid}-reason") == ""  # the reject and remove forms stay empty
    assert _draft_cookie(page) and "staff_draft=;" in _draft_cookie(page)  # cleared
    assert _drafts(app) == 0
    # Nothing was sent: the comment is still waiting.
    from feedback_support import feedback_by_code
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        assert db.session.get(Feedback, fid).state == "pending"
    again = c.get(f"/staff/feedback/{fid}")  # once: a reload shows the form as it is
    assert _textarea(again.data, f"c{fid}-reply") == "" and NOTICE not in text_of(again.data)
    assert feedback_by_code  # (imported for the state check's model)


def test_an_update_note_sent_with_an_expired_form_is_back_in_the_update_form_only(app, staff_client):
    from portal.models import StatusUpdate

    site = add_site(app, "2.3", "金桥路 100 弄 3 号", "consultation", target="consultations")
    editor = staff_client("editor")
    page = editor.get(ITEM)
    data = {"csrf_token": csrf_from(page.data), "seen": _hidden(page.data, "seen"), "status": "in_progress",
            "note_zh": NOTE, "note_en": "Lift shafts built.", "happened_on": "2023-09-01", "step": "preview"}
    # Logged out and in again in another tab: the open page's form token no longer matches.
    editor.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})
    login(editor, app.extensions["test_staff"][-1])
    r = editor.post(ITEM, data=data, headers={"Referer": f"http://localhost{ITEM}"})
    assert r.status_code == 400 and _draft_cookie(r)
    assert f'href="{ITEM}"' in r.get_data(as_text=True)  # the way back to the form
    with app.app_context():
        from portal.extensions import db

        assert db.session.query(StatusUpdate).filter_by(item_code="2.3").count() == 0

    page = editor.get(ITEM)  # reloading the page
    assert _textarea(page.data, "note_zh") == NOTE and _textarea(page.data, "note_en") == "Lift shafts built."
    assert 'value="2023-09-01"' in page.get_data(as_text=True) and NOTICE_ZH in text_of(page.data)
    assert _hidden(page.data, "seen") == data["seen"]
    # The other forms of the page (the project's stage, a new project) stay empty.
    assert _textarea(page.data, f"s{site}-note_zh") == "" and _input(page.data, "site-name_zh") == ""
    assert text_of(page.data).count(NOTICE_ZH) == 1
    assert _drafts(app) == 0


def test_a_stage_note_goes_back_into_that_projects_form_and_no_other(app, staff_client):
    first = add_site(app, "2.3", "金桥路 100 弄 3 号", "consultation", target="consultations")
    second = add_site(app, "2.3", "金桥路 100 弄 5 号", "consultation", target="consultations")
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    page = editor.get(ITEM)
    editor.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})
    login(editor, app.extensions["test_staff"][-1])
    r = editor.post(f"{ITEM}/sites/{second}/stage", headers={"Referer": f"http://localhost{ITEM}"},
                    data={f"s{second}-csrf_token": csrf_from(page.data), f"s{second}-stage": "construction",
                          f"s{second}-happened_on": "2023-10-01", f"s{second}-note_zh": NOTE,
                          f"s{second}-seen": _hidden(page.data, f"s{second}-seen")})
    assert r.status_code == 400
    page = editor.get(ITEM)
    assert _textarea(page.data, f"s{second}-note_zh") == NOTE
    assert re.search(rf'<details open>\s*<summary>[^<]*</summary>\s*<p class="notice-box"[^>]*>[^<]*</p>[^<]*'
                     rf'(<p[^>]*>[^<]*</p>\s*)?<form[^>]*sites/{second}/stage', page.get_data(as_text=True))
    stage_select = re.search(rf'<select[^>]*name="s{second}-stage".*?</select>', page.get_data(as_text=True), re.S)
    assert re.search(r'<option selected value="construction">|<option value="construction" selected', stage_select.group(0))
    assert _textarea(page.data, f"s{first}-note_zh") == "" and _textarea(page.data, "note_zh") == ""


def test_a_draft_is_never_put_into_another_pages_form(app, staff_client):
    """The draft names the page it came from and the address it posted to: both must match."""
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    page = editor.get(ITEM)
    editor.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})
    login(editor, app.extensions["test_staff"][-1])
    data = {"csrf_token": csrf_from(page.data), "seen": _hidden(page.data, "seen"), "status": "in_progress",
            "note_zh": NOTE, "happened_on": "2023-09-01"}
    # Posted from 3.1's page (as a forged Referer or an odd browser would say) to 2.3's address.
    assert editor.post(ITEM, data=data, headers={"Referer": "http://localhost/staff/items/3.1"}).status_code == 400
    for address in (ITEM, "/staff/moderation"):
        shown = editor.get(address)
        assert NOTE not in shown.get_data(as_text=True) and NOTICE not in text_of(shown.data), address
    assert _drafts(app) == 1
    # On the page it said it came from, no form posts to 2.3's address: the text is only shown, to copy.
    shown = editor.get("/staff/items/3.1")
    assert _textarea(shown.data, "note_zh") == "" and NOTICE not in text_of(shown.data)
    assert "could not be put back into its form" in text_of(shown.data) and _drafts(app) == 0
    # Without a Referer on this site there is no page to go back to: nothing is kept, the text is shown.
    editor.set_cookie("staff_draft", "", expires=0, path="/staff/")
    r = editor.post(ITEM, data=data, headers={"Referer": "https://elsewhere.example/staff/items/2.3"})
    assert r.status_code == 400 and not _draft_cookie(r) and NOTE in r.get_data(as_text=True)


def test_a_draft_is_not_put_back_after_its_hour_and_the_purge_deletes_it(app_factory):
    app, clock, c, fid, _seen, r = _expired_reply(app_factory)
    assert r.status_code == 401 and _drafts(app) == 1
    clock.advance(minutes=61)
    assert _log_in_again(c, r, "wang").status_code == 302
    page = c.get(f"/staff/feedback/{fid}")
    assert _textarea(page.data, f"c{fid}-reply") == "" and NOTICE not in text_of(page.data)
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "1 expired staff drafts deleted" in result.output, result.output
    assert _drafts(app) == 0


def test_a_restored_form_sent_after_a_colleagues_change_gets_the_conflict_answer(app, staff_client):
    """The draft keeps the version the text was written against: the usual 409, text kept, is not bypassed."""
    from portal.models import StatusUpdate

    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    page = editor.get(ITEM)
    data = {"csrf_token": csrf_from(page.data), "seen": _hidden(page.data, "seen"), "status": "in_progress",
            "note_zh": NOTE, "happened_on": "2023-09-01"}
    editor.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})
    login(editor, app.extensions["test_staff"][-1])
    assert editor.post(ITEM, data=data, headers={"Referer": f"http://localhost{ITEM}"}).status_code == 400
    publish(app, "2.3", "completed", "全部完工。", "2023-10-01", actor="colleague")
    page = editor.get(ITEM)
    assert _textarea(page.data, "note_zh") == NOTE
    resend = {"csrf_token": csrf_from(page.data), "seen": _hidden(page.data, "seen"), "status": "in_progress",
              "note_zh": _textarea(page.data, "note_zh"), "happened_on": "2023-09-01"}
    r = editor.post(ITEM, data=resend)
    assert r.status_code == 409 and NOTE in r.get_data(as_text=True) and "colleague" in text_of(r.data)
    from portal.extensions import db

    with app.app_context():
        assert db.session.query(StatusUpdate).filter_by(item_code="2.3").count() == 1


def test_public_pages_never_set_the_draft_cookie_nor_change_with_it(app_factory):
    app, _clock, c, _fid, _seen, r = _expired_reply(app_factory)
    token = _draft_cookie(r).split(";")[0].split("=", 1)[1]
    plain = app.test_client()
    holder = app.test_client()
    holder.set_cookie("staff_draft", token, path="/")  # even if a browser sent it beyond /staff/
    for address in ("/zh/", "/zh/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3"):
        a, b = plain.get(address), holder.get(address)
        assert a.status_code == b.status_code == 200, address
        assert "Set-Cookie" not in b.headers and REPLY not in b.get_data(as_text=True)
        assert NOTICE not in text_of(b.data) and NOTICE_ZH not in text_of(b.data)
        assert b.headers["Cache-Control"].startswith("public") and a.headers.get("Vary") == b.headers.get("Vary")
    assert _drafts(app) == 1  # a public page neither reads nor spends it


def test_the_drafts_text_is_in_no_address(app_factory):
    """Not in the login page's links, the redirect after login, nor any link or form address on the way."""
    app, _clock, c, fid, _seen, r = _expired_reply(app_factory)
    responses = [r, _log_in_again(c, r, "wang")]
    responses.append(c.get(responses[-1].headers["Location"]))
    assert _textarea(responses[-1].data, f"c{fid}-reply") == REPLY
    needles = {REPLY, REPLY[:10], quote(REPLY[:10]), quote_plus(REPLY[:10])}
    for response in responses:
        addresses = [response.headers.get("Location", "")] + re.findall(
            r'(?:href|action|src)="([^"]*)"', response.get_data(as_text=True))
        addresses += [h for h in response.headers.getlist("Set-Cookie")]
        for address in addresses:
            assert not any(n in unescape(address) for n in needles), address


def test_the_draft_cookie_is_secure_behind_https(app_factory):
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock, PORTAL_HTTPS=True, SESSION_COOKIE_SECURE=True)
    make_staff(app, "li", "moderator")
    fid, _code = submit_direct(app)
    c = app.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"
    c.set_cookie("lang", "en")
    login(c, "li")
    page = c.get(f"/staff/feedback/{fid}")
    clock.advance(hours=2)
    r = c.post(f"/staff/feedback/{fid}/approve", headers={"Referer": f"https://localhost/staff/feedback/{fid}"},
               data={f"c{fid}-csrf_token": csrf_from(page.data), f"c{fid}-reply": REPLY})
    assert r.status_code == 401 and "Secure" in _draft_cookie(r)


def test_only_the_forms_own_fields_are_kept_and_not_too_much(app):
    from portal.services import drafts

    posted = [("csrf_token", "t"), ("c5-csrf_token", "t"), ("password", "p"), ("confirm", "p"),
              ("current", "p"), ("c5-reply", REPLY), ("seen", "v1")]
    assert drafts.own_fields(posted) == [["c5-reply", REPLY], ["seen", "v1"]]
    staff_id = make_staff(app, "li", "editor")
    with app.test_request_context():
        assert drafts.keep([("note_zh", "长" * (drafts.MAX_CHARS + 1))], ITEM, ITEM, staff_id) is None
        assert drafts.keep([("csrf_token", "t")], ITEM, ITEM, staff_id) is None
        assert drafts.keep([("note_zh", NOTE)], ITEM, ITEM, staff_id)


def test_a_draft_whose_form_is_gone_is_shown_once_to_copy(app_factory):
    """The resident withdrew the comment while the reply was written: no decision form is left on its
    page, so the reply is shown above it, to copy, once; nothing is sent."""
    from portal.services import feedback as service

    app, _clock, c, fid, _seen, r = _expired_reply(app_factory)
    with app.test_request_context():
        from portal.extensions import db
        from portal.models import Feedback

        service.withdraw(db.session.get(Feedback, fid))
    assert _log_in_again(c, r, "wang").status_code == 302
    page = c.get(f"/staff/feedback/{fid}")
    assert "could not be put back into its form" in text_of(page.data) and REPLY in page.get_data(as_text=True)
    assert _textarea(page.data, f"c{fid}-reply") is None  # there is no form to fill
    assert _drafts(app) == 0 and "staff_draft=;" in _draft_cookie(page)
    assert REPLY not in c.get(f"/staff/feedback/{fid}").get_data(as_text=True)


def test_an_outcome_note_comes_back_after_the_form_expired(app, staff_client):
    url = "/staff/plans/2023-city-management/items/2.3/outcome"
    editor = staff_client("editor")
    page = editor.get(url)
    data = {"csrf_token": csrf_from(page.data), "seen": _hidden(page.data, "seen"), "result": "partly_completed",
            "note_zh": "35台完成意愿征询，20台竣工，其余因资金未到位顺延。", "figure_completions": "20"}
    editor.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})
    login(editor, app.extensions["test_staff"][-1])
    assert editor.post(url, data=data, headers={"Referer": f"http://localhost{url}"}).status_code == 400
    page = editor.get(url)
    assert _textarea(page.data, "note_zh") == data["note_zh"] and _input(page.data, "figure_completions") == "20"
    assert NOTICE_ZH in text_of(page.data) and _drafts(app) == 0


def test_a_bulk_rejection_comes_back_with_its_reason_and_ticks(app, staff_client):
    first, _ = submit_direct(app)
    second, _ = submit_direct(app, body="小区门口的路灯坏了很久，晚上出行很不方便，请尽快修理。", ip="203.0.113.10")
    moderator = staff_client("moderator")
    moderator.set_cookie("lang", "en")
    page = moderator.get("/staff/moderation")
    moderator.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})
    login(moderator, app.extensions["test_staff"][-1])
    reason = "内容与本条工作要点无关，请在对应的工作要点下留言。"
    r = moderator.post("/staff/moderation", headers={"Referer": "http://localhost/staff/moderation"},
                       data={"csrf_token": csrf_from(page.data), "ids": [str(first)], "action": "reject",
                             "reason": reason, "reason_code": "off_topic", "next": "/staff/moderation"})
    assert r.status_code == 400
    page = moderator.get("/staff/moderation")
    html = page.get_data(as_text=True)
    assert _input(page.data, "reason") == reason and NOTICE in text_of(page.data)
    assert re.search(rf'id="tick-{first}"[^>]*checked', html) and not re.search(rf'id="tick-{second}"[^>]*checked', html)
    assert all(_textarea(page.data, f"c{n}-{f}") == "" for n in (first, second) for f in ("reply", "reason"))


def test_a_draft_goes_back_only_to_the_account_that_typed_it(app_factory):
    """A shared office computer: wang's session ends while he writes a reply; Li logs in on the same browser
    within the hour. Li's form was given wang's text (and the version he had seen), to send under her name."""
    app, _clock, c, fid, _seen, r = _expired_reply(app_factory)
    assert _draft_cookie(r) and _drafts(app) == 1
    make_staff(app, "li", "moderator")
    back = _log_in_again(c, r, "li")
    assert back.status_code == 302
    page = c.get(f"/staff/feedback/{fid}")
    assert REPLY not in page.get_data(as_text=True) and NOTICE not in text_of(page.data)
    assert _drafts(app) == 1, "still wang's, for when he is back"
    c.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})
    login(c, "wang")
    page = c.get(f"/staff/feedback/{fid}")
    assert _textarea(page.data, f"c{fid}-reply") == REPLY and NOTICE in text_of(page.data)
    assert _drafts(app) == 0


def test_a_form_posted_from_a_browser_without_any_session_is_not_kept(app_factory):
    """No session in the browser at all: nobody to give it back to, so it is only shown, to copy."""
    app = app_factory()
    fid, _code = submit_direct(app)
    c = app.test_client()
    r = c.post(f"/staff/feedback/{fid}/approve", headers={"Referer": f"http://localhost/staff/feedback/{fid}"},
               data={f"c{fid}-reply": REPLY, f"c{fid}-next": "/staff/moderation", f"c{fid}-seen": "x"})
    assert r.status_code in (400, 401) and REPLY in r.get_data(as_text=True)
    assert _draft_cookie(r) is None and _drafts(app) == 0


REPLY_B = "您好，路灯已报修，维修单位将在三个工作日内更换灯具，感谢您的反映。"


def _expired_in_two_tabs(app_factory, same_comment_twice=False):
    """A moderator has two comments open in two tabs and writes a reply in each; the session ends (idle);
    they send the first tab's reply, then the second's: each answer is a login page."""
    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock)
    make_staff(app, "wang", "moderator")
    first, _ = submit_direct(app)
    second, _ = submit_direct(app, body="小区门口的路灯坏了很久，晚上出行很不方便，请尽快修理。", ip="203.0.113.10")
    c = app.test_client()
    c.set_cookie("lang", "en")
    login(c, "wang")
    pages = {fid: c.get(f"/staff/feedback/{fid}") for fid in (first, second)}
    clock.advance(hours=2)
    answers = [c.post(f"/staff/feedback/{fid}/approve", headers={"Referer": f"http://localhost/staff/feedback/{fid}"},
                      data={f"c{fid}-csrf_token": csrf_from(pages[fid].data), f"c{fid}-reply": text,
                            f"c{fid}-next": "/staff/moderation", f"c{fid}-seen": _hidden(pages[fid].data, f"c{fid}-seen")})
               for fid, text in ((first, REPLY), (first if same_comment_twice else second, REPLY_B))]
    return app, clock, c, first, second, answers


def test_two_tabs_whose_session_ended_both_get_their_text_back(app_factory):
    """Before, a browser held one draft: the second tab's reply replaced the first's, which was lost."""
    app, _clock, c, first, second, answers = _expired_in_two_tabs(app_factory)
    assert [a.status_code for a in answers] == [401, 401] and _drafts(app) == 2
    assert _draft_cookie(answers[0]).split(";")[0] == _draft_cookie(answers[1]).split(";")[0]  # one token
    back = _log_in_again(c, answers[1], "wang")
    assert back.headers["Location"].endswith(f"/staff/feedback/{second}")  # the latest draft's page
    page = c.get(back.headers["Location"])
    assert _textarea(page.data, f"c{second}-reply") == REPLY_B and NOTICE in text_of(page.data)
    # The other page holding unsent text is named, with a link to it; nothing of its text is shown here.
    assert "Other pages hold text you typed" in text_of(page.data) and REPLY not in page.get_data(as_text=True)
    assert f'href="/staff/feedback/{first}">Comment {first}</a>' in page.get_data(as_text=True)
    assert _draft_cookie(page) is None and _drafts(app) == 1  # one left: the cookie stays
    page = c.get(f"/staff/feedback/{first}")
    assert _textarea(page.data, f"c{first}-reply") == REPLY and NOTICE in text_of(page.data)
    assert "Other pages hold text you typed" not in text_of(page.data)
    assert _drafts(app) == 0 and "staff_draft=;" in _draft_cookie(page)  # none left: cleared


def test_the_same_form_sent_twice_keeps_the_latest_text(app_factory):
    app, _clock, c, first, _second, answers = _expired_in_two_tabs(app_factory, same_comment_twice=True)
    assert [a.status_code for a in answers] == [401, 401] and _drafts(app) == 1
    assert _log_in_again(c, answers[1], "wang").status_code == 302
    page = c.get(f"/staff/feedback/{first}")
    assert _textarea(page.data, f"c{first}-reply") == REPLY_B and "Other pages hold" not in text_of(page.data)
    assert _drafts(app) == 0 and "staff_draft=;" in _draft_cookie(page)


def test_a_browser_holds_at_most_max_drafts_the_oldest_dropped(app):
    from portal.extensions import db
    from portal.models import StaffDraft
    from portal.services import drafts

    staff_id = make_staff(app, "li", "editor")
    with app.test_request_context():
        token = drafts.keep([("note_zh", "第0条")], "/staff/items/0", "/staff/items/0", staff_id)
        for n in range(1, drafts.MAX_DRAFTS + 5):
            assert drafts.keep([("note_zh", f"第{n}条")], f"/staff/items/{n}", f"/staff/items/{n}", staff_id,
                               token=token) == token
        pages = {row.page for row in db.session.query(StaffDraft)}
        assert len(pages) == drafts.MAX_DRAFTS and "/staff/items/0" not in pages
        assert f"/staff/items/{drafts.MAX_DRAFTS + 4}" in pages
        # A token the browser made up (or one whose drafts are all gone) is not taken: a new one is given.
        assert drafts.keep([("note_zh", "x")], ITEM, ITEM, staff_id, token="made-up") not in ("made-up", None)


def test_the_other_pages_are_named_in_the_staff_members_language(app_factory):
    app, _clock, c, first, second, answers = _expired_in_two_tabs(app_factory)
    c.set_cookie("lang", "zh")
    page = c.get(_log_in_again(c, answers[1], "wang").headers["Location"])
    assert "以下页面还有您在登录过期前填写" in text_of(page.data)
    assert f'href="/staff/feedback/{first}">第\u00a0{first}\u00a0条留言</a>' in page.get_data(as_text=True)


def test_a_colleague_on_the_same_browser_is_given_neither_draft_nor_their_pages(app_factory):
    app, _clock, c, first, second, answers = _expired_in_two_tabs(app_factory)
    make_staff(app, "li", "moderator")
    page = c.get(_log_in_again(c, answers[1], "li").headers["Location"])
    html = page.get_data(as_text=True)
    assert REPLY_B not in html and NOTICE not in text_of(page.data) and "Other pages hold" not in text_of(page.data)
    assert f'href="/staff/feedback/{first}"' not in html and _drafts(app) == 2


def test_a_staff_page_reads_the_browsers_drafts_once(app_factory):
    """This page's drafts (put back into its forms) and the other pages holding some (named above it) come
    from one read of the browser's drafts: before, each asked the database for the same rows."""
    from portal.extensions import db
    from test_query_count import counted_statements

    app, _clock, c, first, second, answers = _expired_in_two_tabs(app_factory)
    assert _log_in_again(c, answers[1], "wang").status_code == 302
    with app.app_context():
        engine = db.engine
    with counted_statements(engine) as statements:
        page = c.get("/staff/moderation")
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM staff_draft" in s]
    assert len(reads) == 1, reads
    html = page.get_data(as_text=True)
    assert f'href="/staff/feedback/{first}">Comment {first}</a>' in html
    assert f'href="/staff/feedback/{second}">Comment {second}</a>' in html and _drafts(app) == 2
