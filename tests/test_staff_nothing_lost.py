"""Nothing staff type is lost, nothing is published twice, nothing is published over a colleague's
newer work without them knowing: two editors (or two tabs) on one work point, site or outcome, two
moderators on one comment, a double tap on a slow phone."""
from __future__ import annotations

import re
from html import unescape

from conftest import csrf_from, text_of
from feedback_support import decide, feedback_by_code, submit_direct
from progress_support import add_site, move_site, publish


def _hidden(page: bytes, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page.decode()) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page.decode())
    return unescape(m.group(1)) if m else ""  # (absent before forms said what they were built from)


def _count(app, model, **where) -> int:
    from portal.extensions import db

    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


UPDATE = {"status": "in_progress", "note_zh": "已完成三个小区的意愿征询，居民普遍支持加装电梯。" * 20,
          "note_en": "Three estates consulted.", "happened_on": "2023-09-01", "progress_consultations": "12"}


def _update_form(client, code="2.3") -> dict:
    page = client.get(f"/staff/items/{code}")
    return {"csrf_token": csrf_from(page.data), "seen": _hidden(page.data, "seen"), **UPDATE}


def test_an_update_from_a_stale_page_is_not_published_over_a_newer_one(app, staff_client):
    from portal.models import StatusUpdate

    editor = staff_client("editor")
    data = _update_form(editor)  # the page is open while a colleague publishes
    publish(app, "2.3", "completed", "全部完工。", "2023-10-01", actor="colleague")
    r = editor.post("/staff/items/2.3", data=data)
    assert r.status_code == 409
    assert _count(app, StatusUpdate, item_code="2.3") == 1
    page = text_of(r.data)
    assert "全部完工。" in page and "colleague" in page  # what was published meanwhile, and by whom
    assert UPDATE["note_zh"] in r.get_data(as_text=True) and 'value="12"' in r.get_data(as_text=True)
    # Having read it, the editor can still publish what they typed, from the page they were shown.
    again = editor.post("/staff/items/2.3", data={**data, "seen": _hidden(r.data, "seen")})
    assert again.status_code == 302 and _count(app, StatusUpdate, item_code="2.3") == 2


def test_an_update_sent_twice_is_published_once(app, staff_client):
    from portal.models import StatusUpdate

    editor = staff_client("editor")
    data = _update_form(editor)
    assert editor.post("/staff/items/2.3", data=data).status_code == 302
    second = editor.post("/staff/items/2.3", data=data)  # a double tap, or the browser sending it again
    assert second.status_code == 302
    assert _count(app, StatusUpdate, item_code="2.3") == 1


def test_a_stage_from_a_stale_page_is_not_recorded_over_a_newer_one_and_a_double_tap_adds_one(app, staff_client):
    from portal.models import SiteStageUpdate

    site = add_site(app, "2.3", "金桥路 100 弄 3 号", "consultation", target="consultations")
    editor = staff_client("editor")
    page = editor.get("/staff/items/2.3")
    data = {f"s{site}-csrf_token": csrf_from(page.data), f"s{site}-seen": _hidden(page.data, f"s{site}-seen"),
            f"s{site}-stage": "completed", f"s{site}-happened_on": "2023-10-01", f"s{site}-note_zh": "竣工验收。"}
    move_site(app, site, "construction", "2023-09-15", note="开工。")
    r = editor.post(f"/staff/items/2.3/sites/{site}/stage", data=data)
    assert r.status_code == 409 and "竣工验收。" in r.get_data(as_text=True)
    assert f'action="/staff/items/2.3/sites/{site}/stage#site-{site}"' in r.get_data(as_text=True)  # opens there
    assert _count(app, SiteStageUpdate, site_id=site) == 2
    data[f"s{site}-seen"] = _hidden(r.data, f"s{site}-seen")
    assert editor.post(f"/staff/items/2.3/sites/{site}/stage", data=data).status_code == 302
    assert editor.post(f"/staff/items/2.3/sites/{site}/stage", data=data).status_code == 302
    assert _count(app, SiteStageUpdate, site_id=site) == 3


def test_a_project_added_twice_by_a_double_tap_is_added_once(app, staff_client):
    from portal.models import ProjectSite

    editor = staff_client("editor")
    page = editor.get("/staff/items/2.3")
    data = {"site-csrf_token": csrf_from(page.data), "site-seen": _hidden(page.data, "site-seen"),
            "site-name_zh": "金桥路 100 弄 3 号电梯", "site-target_key": "consultations", "site-stage": "consultation",
            "site-happened_on": "2023-09-01"}
    assert editor.post("/staff/items/2.3/sites", data=data).status_code == 302
    assert editor.post("/staff/items/2.3/sites", data=data).status_code == 302
    assert _count(app, ProjectSite, item_code="2.3") == 1


def test_a_reply_from_a_stale_page_does_not_replace_a_colleagues_reply_and_is_kept(app, staff_client):
    fid, code = submit_direct(app)
    first, second = staff_client("moderator"), staff_client("moderator")
    decide(first, fid, "approve")
    seen = _hidden(second.get(f"/staff/feedback/{fid}").data, f"c{fid}-seen")  # both have the page open
    assert decide(first, fid, "reply", reply="电梯将于十月开工。", seen=seen).status_code == 302
    mine = "感谢您的建议，我们会在下个月的居民议事会上讨论加装电梯的资金分摊方案。"
    r = decide(second, fid, "reply", reply=mine, seen=seen)
    assert r.status_code == 409
    assert feedback_by_code(app, code).reply_body == "电梯将于十月开工。"
    assert mine in r.get_data(as_text=True)  # not lost: shown again to publish or copy
    # A double tap of the same reply is not a conflict: it was published once, as sent.
    seen = _hidden(first.get(f"/staff/feedback/{fid}").data, f"c{fid}-seen")
    assert decide(first, fid, "reply", reply="更正：电梯将于十一月开工。", seen=seen).status_code == 302
    assert decide(first, fid, "reply", reply="更正：电梯将于十一月开工。", seen=seen).status_code == 302


def test_a_reply_to_a_comment_withdrawn_meanwhile_is_shown_back_not_lost(app, staff_client):
    from portal.services import feedback as service

    fid, code = submit_direct(app)
    moderator = staff_client("moderator")
    seen = _hidden(moderator.get(f"/staff/feedback/{fid}").data, f"c{fid}-seen")
    with app.test_request_context():
        from portal.extensions import db
        from portal.models import Feedback

        service.withdraw(db.session.get(Feedback, fid))
    reply = "您好，加装电梯的方案已报街道审批，预计年底前开工，届时会在小区公告栏通知。"
    r = decide(moderator, fid, "approve", reply=reply, seen=seen)
    assert r.status_code == 409 and feedback_by_code(app, code).state == "withdrawn"
    assert reply in r.get_data(as_text=True)


def test_an_outcome_from_a_stale_page_does_not_replace_a_colleagues(app, staff_client):
    from portal.services.outcomes import outcome_of

    url = "/staff/plans/2023-city-management/items/2.3/outcome"
    mine, theirs = staff_client("editor"), staff_client("editor")
    page = mine.get(url)
    data = {"csrf_token": csrf_from(page.data), "seen": _hidden(page.data, "seen"), "result": "partly_completed",
            "note_zh": "35台完成意愿征询，20台竣工，其余因资金未到位顺延。", "figure_completions": "20"}
    other = theirs.get(url)
    assert theirs.post(url, data={"csrf_token": csrf_from(other.data), "seen": _hidden(other.data, "seen"),
                                  "result": "completed", "note_zh": "全部完成。"}).status_code == 302
    r = mine.post(url, data=data)
    assert r.status_code == 409 and data["note_zh"] in r.get_data(as_text=True)
    with app.app_context():
        assert outcome_of("2023-city-management", "2.3").note_zh == "全部完成。"
    assert mine.post(url, data={**data, "seen": _hidden(r.data, "seen")}).status_code == 302
    assert mine.post(url, data={**data, "seen": _hidden(r.data, "seen")}).status_code == 302  # sent twice: saved


REPLY = "您好，小区加装电梯的资金分摊方案已经街道审核通过，下周一起在居委会公示七天，欢迎查看。"


def test_a_reply_sent_after_the_session_ended_is_shown_back_and_login_returns_to_its_page(app_factory):
    from conftest import login, make_staff
    from staff_support import Clock

    clock = Clock()
    app = app_factory(STAFF_CLOCK=clock)
    make_staff(app, "wang", "moderator")
    fid, _code = submit_direct(app)
    c = app.test_client()
    login(c, "wang")
    page = c.get(f"/staff/feedback/{fid}")
    clock.advance(hours=2)  # the reply took a while to write
    r = c.post(f"/staff/feedback/{fid}/approve", headers={"Referer": f"http://localhost/staff/feedback/{fid}"},
               data={f"c{fid}-csrf_token": csrf_from(page.data), f"c{fid}-reply": REPLY,
                     f"c{fid}-seen": _hidden(page.data, f"c{fid}-seen")})
    assert REPLY in r.get_data(as_text=True)  # on the page, to copy: it was not saved
    assert f"next=/staff/feedback/{fid}" in unescape(r.get_data(as_text=True))  # not to a POST-only address


def test_a_reply_sent_with_an_expired_form_is_shown_back(app, staff_client):
    fid, _code = submit_direct(app)
    moderator = staff_client("moderator")
    page = moderator.get(f"/staff/feedback/{fid}")
    moderator.post("/staff/logout", data={"csrf_token": csrf_from(page.data)})  # in another tab
    r = moderator.post(f"/staff/feedback/{fid}/approve", data={f"c{fid}-csrf_token": csrf_from(page.data),
                                                               f"c{fid}-reply": REPLY})
    assert r.status_code in (400, 401) and REPLY in r.get_data(as_text=True)


def _targets(app):
    from portal.services.content import content

    with app.app_context():
        return content().item("2.3").targets[0], next(t for i in content().items for t in i.targets
                                                      if t.unit.en.strip() == "%")


def test_an_accepted_figure_is_a_plain_number_and_a_non_number_is_called_one(app):
    """Whatever staff type, a figure the form accepts reads back without a minus sign or "inf", for the
    progress form and the outcome form alike; "NaN" and 1e309 are not numbers, not "negative"."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from portal.rules.progress import figure_problem, parse_number
    from portal.services import outcomes

    count, percent = _targets(app)
    typed = st.one_of(st.from_regex(r"\A[-+]?[0-9０-９]{0,4}([.．][0-9]{0,3})?([eE][-+]?[0-9]{1,3})?%?\Z"),
                      st.sampled_from(["-0", "-0.0", "－０", "nan", "NaN", "inf", "-inf", "1e309", "9" * 400]),
                      st.text(max_size=12))

    @settings(max_examples=300, deadline=None)
    @given(typed)
    def check(raw):
        for target in (count, percent):
            if figure_problem(target, raw) is None:
                assert "%g" % parse_number(raw) == "%g" % abs(parse_number(raw)), raw
            value, problem = outcomes.figure_problem(target, raw)
            if problem is None:
                assert "%g" % value == "%g" % abs(value), raw

    check()
    with app.test_request_context():
        for raw in ("nan", "1e309", "-inf"):
            assert figure_problem(count, raw) == "Please give a number."
            assert outcomes.figure_problem(count, raw)[1] == "Please give a number."


def test_text_that_fits_the_browsers_count_fits_the_servers(app, staff_client):
    """Browsers count a line break as one character against maxlength and send it as two (CR LF): a
    2,000-character reply with paragraphs was refused as "at most 2,000 characters"."""
    fid, code = submit_direct(app)
    reply = "\r\n".join(["居民反映的问题已转交街道城建办处理，预计下月初完成现场勘查并答复。" * 3] * 20)
    assert len(reply.replace("\r\n", "\n")) <= 2000 < len(reply)
    assert decide(staff_client("moderator"), fid, "approve", reply=reply).status_code == 302
    assert feedback_by_code(app, code).reply_body == reply.replace("\r\n", "\n")


def test_a_staff_form_sent_without_its_version_is_refused_and_changes_nothing(app, staff_client):
    """Without `seen` the check against a colleague's newer work was skipped: a script or a hand-made form
    published over it unseen. Every form with a version field refuses such a post, before anything is saved."""
    from portal.models import Feedback, ItemOutcome, ProjectSite, SiteStageUpdate, StatusUpdate

    site = add_site(app, "2.3", "金桥路 100 弄 3 号", "consultation", target="consultations")
    feedback_id, _code = submit_direct(app, "电梯什么时候开工？")
    editor = staff_client("admin")
    token = csrf_from(editor.get("/staff/items/2.3").data)
    posts = {
        # (the target is counted by sites once one is registered: no figure typed for it)
        "/staff/items/2.3": ({"csrf_token": token, **{k: v for k, v in UPDATE.items() if not k.startswith("progress")}},
                             StatusUpdate, {"item_code": "2.3"}),
        "/staff/items/2.3/sites": ({"site-csrf_token": token, "site-name_zh": "金桥路 200 弄",
                                    "site-target_key": "consultations", "site-stage": "consultation",
                                    "site-happened_on": "2023-10-01"}, ProjectSite, {"item_code": "2.3"}),
        f"/staff/items/2.3/sites/{site}/stage": ({f"s{site}-csrf_token": token, f"s{site}-stage": "completed",
                                                  f"s{site}-happened_on": "2023-10-01"}, SiteStageUpdate,
                                                 {"site_id": site}),
        f"/staff/feedback/{feedback_id}/approve": ({"csrf_token": token}, Feedback, {"state": "published"}),
        "/staff/plans/2023-city-management/items/2.3/outcome": (
            {"csrf_token": token, "result": "completed", "note_zh": "已完成。"}, ItemOutcome, {"item_code": "2.3"}),
    }
    for path, (data, model, where) in posts.items():
        before = _count(app, model, **where)
        r = editor.post(path, data=data)
        assert r.status_code == 400, (path, r.status_code)
        assert "without the version" in r.get_data(as_text=True) or "版本" in r.get_data(as_text=True), path
        assert _count(app, model, **where) == before, path
