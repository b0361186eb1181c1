"""A resident's comment from the form to the published thread, in the test client, in both languages."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest

from conftest import make_staff, text_of
from feedback_support import BODY, decide, feedback_by_code, send_comment, submit_direct, tracking_code

PHONE = "13812345678"
RAW_BODY = f"三号楼门口的电梯井什么时候开挖？请联系我 {PHONE} 或 wang.ayi@example.com，身份证 310115196512036417。"


def _moderator_id(app) -> int:
    from portal.services.auth import find

    with app.app_context():
        found = find("flow-moderator")
        if found:
            return found.id
    return make_staff(app, "flow-moderator", "moderator")


def _decide(app, feedback_id: int, action: str, *args, **kwargs) -> None:
    staff_id = _moderator_id(app)
    from portal.extensions import db
    from portal.models import Feedback, StaffUser
    from portal.services import feedback

    with app.app_context():
        getattr(feedback, action)(db.session.get(Feedback, feedback_id), *args,
                                  actor=db.session.get(StaffUser, staff_id), **kwargs)


def _approve(app, feedback_id: int, reply: str | None = None) -> None:
    _decide(app, feedback_id, "approve", reply=reply)


def _reject(app, feedback_id: int, reason: str) -> None:
    _decide(app, feedback_id, "reject", reason)


def test_a_resident_comments_in_chinese_and_gets_a_tracking_code(app, client):
    sent = send_comment(client, lang="zh", body=BODY, kind="question", display_name="张三丰", contact=PHONE)
    code = tracking_code(sent)
    assert sent.headers["Location"].startswith(f"/zh/feedback/{code}")
    page = client.get(sent.headers["Location"])
    assert page.status_code == 200
    text = text_of(page.data)
    assert "谢谢，您的留言已收到" in text and code in text and "已收到，等待审核" in text
    assert 'lang="zh-Hans"' in page.get_data(as_text=True)
    fb = feedback_by_code(app, code)
    assert (fb.item_code, fb.kind, fb.state, fb.lang, fb.contact, fb.display_name) == \
        ("2.3", "question", "pending", "zh", PHONE, "张三丰")


def test_a_resident_comments_in_english(app, client):
    sent = send_comment(client, lang="en", body="When will the lift works at block 3 start?", kind="suggestion")
    code = tracking_code(sent)
    text = text_of(client.get(sent.headers["Location"]).data)
    assert "Thank you, your comment was received" in text and code in text
    assert "Received, waiting for review" in text
    assert feedback_by_code(app, code).lang == "en"


@pytest.mark.parametrize("lang, summary_heading, body_error, contact_error", [
    ("zh", "请修改以下内容", "请填写 5 至 2000 字。", "请填写电话号码或电子邮箱，或留空。"),
    ("en", "Please correct the following", "Please write between 5 and 2,000 characters.",
     "Please give a phone number or an e-mail address, or leave this empty."),
])
def test_errors_beside_the_field_and_in_a_summary_with_typed_text_kept(app, client, lang, summary_heading,
                                                                        body_error, contact_error):
    r = send_comment(client, lang=lang, body="太短", display_name="李四", contact="not a phone", kind="concern")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    summary = page[page.index('id="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert summary_heading in summary and body_error in summary and contact_error in summary
    assert 'href="#body"' in summary and 'href="#contact"' in summary
    assert f'<p class="error" id="body-error">{body_error}' in page
    assert f'<p class="error" id="contact-error">{contact_error}' in page
    assert 'aria-invalid="true"' in page
    # What was typed is still there.
    assert re.search(r'name="body" required>\s*太短</textarea>', page)
    assert 'value="李四"' in page and 'value="not a phone"' in page
    assert '<option selected value="concern">' in page
    with app.app_context():
        from portal.models import Feedback
        from portal.extensions import db

        assert db.session.query(Feedback).count() == 0


def test_the_error_summary_heading_sits_below_its_sections_heading(client):
    """The summary's "Please correct the following" was an h2 inside the "Leave a comment" h2 section, so a
    screen reader's heading list showed it as a sibling of the section, not a part of it."""
    page = send_comment(client, lang="en", body="").get_data(as_text=True)
    section = page[page.index('<section class="comment-form"'):]
    levels = [int(n) for n in re.findall(r"<h([1-6])", section[:section.index("</section>")])]
    assert levels[0] == 2 and len(levels) > 1 and all(n > 2 for n in levels[1:]), levels


def test_an_empty_comment_is_asked_for_in_the_page_language(client):
    r = send_comment(client, lang="zh", body="")
    assert r.status_code == 400
    assert "请填写留言内容。" in text_of(r.data)
    r = send_comment(client, lang="en", body="   ")
    assert "Please write your comment." in text_of(r.data)


def test_tracking_page_states_received_published_replied_and_not_published(app, client):
    sent = tracking_code(send_comment(client, lang="en", body="Please fix the lights at the lift entrance."))
    fb = feedback_by_code(app, sent)
    url = f"/en/feedback/{sent}"
    text = text_of(client.get(url).data)
    assert "Received, waiting for review" in text and "Official reply" not in text

    _approve(app, fb.id)
    text = text_of(client.get(url).data)
    assert "State Published" in text and "Replied" not in text

    _decide(app, fb.id, "reply", "The lights will be replaced in December.")
    text = text_of(client.get(url).data)
    assert "Published · Replied" in text and "The lights will be replaced in December." in text

    other = tracking_code(send_comment(client, lang="en", body="This is off topic, about my neighbour.",
                                       ip="198.51.100.2"))
    _reject(app, feedback_by_code(app, other).id, "Comments about individual neighbours are not published.")
    text = text_of(client.get(f"/en/feedback/{other}").data)
    assert "Not published" in text
    assert "Reason Comments about individual neighbours are not published." in text
    zh = text_of(client.get(f"/zh/feedback/{other}").data)
    assert "未予公开" in zh


def test_published_comment_shows_on_the_item_page_with_date_place_kind_and_reply(app, client):
    from portal.services.content import content

    with app.app_context():
        place = content().places[0]
    code = tracking_code(send_comment(client, lang="zh", body=RAW_BODY, kind="concern", place=place.slug,
                                      display_name="王阿姨", contact="wang@example.org"))
    fb = feedback_by_code(app, code)
    assert client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True).count(f'id="comment-{fb.id}"') == 0
    _approve(app, fb.id, reply="电梯井预计十二月开挖，届时会提前张贴告示。")
    for lang, kind, place_name, reply_label in [("zh", "问题反映", place.name.zh, "官方答复"),
                                                ("en", "Concern", place.name.en, "Official reply")]:
        page = client.get(f"/{lang}/plans/2023-city-management/items/2.3").get_data(as_text=True)
        start = page.index(f'id="comment-{fb.id}"')
        comment = text_of(page[start:page.index("</li>", start)])
        day = (fb.created_at + timedelta(hours=8)).strftime("%Y-%m-%d")  # Shanghai date
        assert day in comment and kind in comment and place_name in comment and "王*姨" in comment
        assert "138****5678" in comment and "电梯井预计十二月开挖" in comment and reply_label in comment
        assert PHONE not in page and "wang.ayi@example.com" not in page and "wang@example.org" not in page
        assert "310115196512036417" not in page


def test_dates_are_shanghai_dates(app, client):
    """Stored in UTC: 17:30 UTC on 25 November is already 26 November in Zhangjiang."""
    fid, _ = submit_direct(app, body="晚上提交的留言，日期应按上海时间显示。")
    with app.app_context():
        from portal.extensions import db
        from portal.models import Feedback

        db.session.get(Feedback, fid).created_at = datetime(2026, 11, 25, 17, 30)
        db.session.commit()
    _approve(app, fid)
    page = client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)
    start = page.index(f'id="comment-{fid}"')
    assert "2026-11-26" in page[start:page.index("</li>", start)]


def test_the_name_is_shortened_unless_the_resident_asks_for_it_in_full(app, client):
    short = tracking_code(send_comment(client, display_name="张三丰", ip="198.51.100.3"))
    full = tracking_code(send_comment(client, body="另一条留言，希望显示全名。", display_name="李小龙",
                                      show_full_name="y", ip="198.51.100.4"))
    _approve(app, feedback_by_code(app, short).id)
    _approve(app, feedback_by_code(app, full).id)
    text = text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)
    assert "张*丰" in text and "张三丰" not in text
    assert "李小龙" in text


def test_contact_and_raw_body_never_reach_a_public_page(app, client):
    """Pending, published and rejected comments with personal data; every public page is checked."""
    pending = tracking_code(send_comment(client, body=RAW_BODY, contact="secret-contact@example.net",
                                         ip="198.51.100.5"))
    published = tracking_code(send_comment(client, body=RAW_BODY + "（第二条）", contact="13900001111",
                                           ip="198.51.100.6"))
    rejected = tracking_code(send_comment(client, body=RAW_BODY + "（第三条）", contact="13900002222",
                                          ip="198.51.100.7"))
    _approve(app, feedback_by_code(app, published).id, reply="已收到。")
    _reject(app, feedback_by_code(app, rejected).id, "含有个人信息。")
    secrets = [PHONE, "wang.ayi@example.com", "310115196512036417", "secret-contact@example.net",
               "13900001111", "13900002222"]

    urls = [f"/{lang}/feedback/{c}" for lang in ("zh", "en") for c in (pending, published, rejected)]
    urls += ["/zh/plans/2023-city-management/items/2.3", "/en/plans/2023-city-management/items/2.3", "/api/v1/items/2.3", "/api/v1/items",
             "/zh/search?q=电梯井", "/en/search?q=lift", "/api/v1/search?q=电梯井"]
    for rule in app.url_map.iter_rules():
        # Every public GET page that needs no other value (home, lists, feeds added later...).
        if "GET" in rule.methods and not rule.rule.startswith("/staff") and set(rule.arguments) <= {"lang"} \
                and rule.endpoint not in ("static", "assets", "public.care_mode"):
            urls += [rule.rule.replace("<lang>", lang) for lang in ("zh", "en")] if "lang" in rule.arguments \
                else [rule.rule]
    checked = 0
    for url in dict.fromkeys(urls):
        r = client.get(url)
        if r.status_code != 200:
            continue
        body = html.unescape(r.get_data(as_text=True))
        for secret in secrets:
            assert secret not in body, (url, secret)
        checked += 1
    assert checked >= 20
    assert "138****5678" in text_of(client.get(f"/zh/feedback/{published}").data)


def test_three_reports_send_a_published_comment_back_to_the_queue(app, client):
    from conftest import csrf_from

    fid, code = submit_direct(app, body="小区门口的路灯坏了很久，希望尽快修。")
    _approve(app, fid)
    assert f'id="comment-{fid}"' in client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)

    def report(ip: str):
        page = client.get("/zh/plans/2023-city-management/items/2.3")
        return client.post(f"/zh/feedback/{fid}/flag", data={"csrf_token": csrf_from(page.data), "reason": "广告内容"},
                           environ_base={"REMOTE_ADDR": ip})

    r = report("192.0.2.1")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/zh/plans/2023-city-management/items/2.3#comment-{fid}")
    report("192.0.2.1")  # the same reader twice counts once
    report("192.0.2.2")
    assert feedback_by_code(app, code).state == "published"
    assert feedback_by_code(app, code).flag_count == 2
    report("192.0.2.3")
    fb = feedback_by_code(app, code)
    assert (fb.state, fb.flag_count) == ("pending", 3)
    assert f'id="comment-{fid}"' not in client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert client.post(f"/zh/feedback/{fid}/flag", data={"reason": "已隐藏的留言"}).status_code == 404  # off the page now
    assert client.post(f"/zh/feedback/{fid}/flag", data={"reason": "x"},
                       headers={"Origin": "https://evil.example"}).status_code == 403

    moderator = make_staff(app, "flags-mod", "moderator")
    from conftest import login

    staff = app.test_client()
    login(staff, "flags-mod")
    queue = text_of(staff.get("/staff/moderation?view=queue").data)
    assert code in queue and "广告内容" in queue
    assert moderator


def test_a_report_needs_a_reason(app, client):
    from conftest import csrf_from

    fid, code = submit_direct(app, body="希望增加电动自行车充电桩。")
    _approve(app, fid)
    page = client.get("/en/plans/2023-city-management/items/2.3")
    r = client.post(f"/en/feedback/{fid}/flag", data={"csrf_token": csrf_from(page.data), "reason": ""},
                    follow_redirects=True)
    assert "Please give a reason for reporting the comment." in text_of(r.data)
    assert feedback_by_code(app, code).flag_count == 0


def test_lookup_finds_a_code_typed_in_lower_case(app, client):
    code = tracking_code(send_comment(client))
    r = client.get(f"/en/feedback/?code={code.lower()}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/en/feedback/{code}")


def test_moderator_reply_via_the_back_office_reaches_the_resident(app, client, staff_client):
    code = tracking_code(send_comment(client, lang="en", body="Could the lift have a bench inside?"))
    fb = feedback_by_code(app, code)
    staff = staff_client("moderator")
    r = decide(staff, fb.id, "approve", reply="A folding seat is part of the design.")
    assert r.status_code == 302
    text = text_of(client.get(f"/en/feedback/{code}").data)
    assert "Published · Replied" in text and "A folding seat is part of the design." in text
    assert "A folding seat is part of the design." in text_of(client.get("/en/plans/2023-city-management/items/2.3").data)


def test_a_comment_from_a_page_whose_work_point_was_renumbered_is_not_filed_under_another(app, client):
    """A corrected notice renumbers a plan (flask plans import --move-records): the page a resident was
    writing on said 2.3, and 2.3 now names another work point. The comment was stored under whatever
    the number names now. The form says which work point it was built for; when that is no longer the one
    at its address, the page comes back with the text kept and asks the resident to check."""
    from conftest import hidden_fields, text_of
    from portal.extensions import db
    from portal.models import Feedback

    # The page of 2.4 as it was, posted to 2.3's address: what the renumbered page sends.
    old_page = hidden_fields(client.get("/en/plans/2023-city-management/items/2.4").data)
    assert old_page.get("about")
    typed = "三号楼加装电梯什么时候开工？"
    r = client.post("/en/plans/2023-city-management/items/2.3/feedback",
                    data={"about": old_page["about"], "body": typed, "kind": "question", "place": ""})
    assert r.status_code == 409
    assert "changed while you were writing" in text_of(r.data) and typed in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Feedback).count() == 0
    # Sent again from the page as it is now: taken.
    again = hidden_fields(r.data)
    r = client.post("/en/plans/2023-city-management/items/2.3/feedback",
                    data={"about": again["about"], "body": typed, "kind": "question", "place": ""})
    assert r.status_code == 302
    # A form without the field (a script, a page cached before this change) is taken as before.
    assert client.post("/en/plans/2023-city-management/items/2.4/feedback",
                       data={"body": typed, "kind": "question", "place": ""}).status_code == 302


def test_a_comment_on_a_project_site_whose_work_point_was_renumbered_is_kept(app, client):
    """The same renumbering on a project site's page: the site moves with its work point (2.3 -> 2.4), and
    its page, opened before, posts to 2.3 with the site's id. That was answered with a bare 400 page, in
    English on the Chinese site, and the comment was lost. The page now comes back as the site's page under
    its work point's new number, with the text kept, and sending it again files it under that site."""
    from conftest import hidden_fields, text_of
    from portal.extensions import db
    from portal.models import Feedback
    from progress_support import add_site

    site_id = add_site(app, "2.4", "甲楼加装电梯", "consultation")
    old_page = hidden_fields(client.get(f"/zh/plans/2023-city-management/items/2.4/sites/{site_id}").data)
    assert old_page.get("site_id") == str(site_id)
    typed = "甲楼的电梯什么时候开始征询意见？"
    r = client.post("/zh/plans/2023-city-management/items/2.3/feedback",
                    data={"about": old_page["about"], "site_id": str(site_id), "body": typed, "kind": "question",
                          "place": ""})
    assert r.status_code == 409, text_of(r.data)[:300]
    page = r.get_data(as_text=True)
    assert typed in page and "甲楼加装电梯" in text_of(page)
    assert 'action="/zh/plans/2023-city-management/items/2.4/feedback' in page
    with app.app_context():
        assert db.session.query(Feedback).count() == 0
    again = hidden_fields(r.data)
    assert again["site_id"] == str(site_id)
    r = client.post("/zh/plans/2023-city-management/items/2.4/feedback",
                    data={"about": again["about"], "site_id": again["site_id"], "body": typed, "kind": "question",
                          "place": ""})
    assert r.status_code == 302
    with app.app_context():
        fb = db.session.query(Feedback).one()
        assert (fb.item_code, fb.site_id) == ("2.4", site_id)
