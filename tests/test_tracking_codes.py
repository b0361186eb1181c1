"""Issue 11.6: tracking codes too long to guess, old codes still found however they are typed,
look-ups limited per address, and the double-click guard keyed on the browser session."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import text_of
from feedback_support import BODY, send_comment, tracking_code

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _store_old_code(app, code: str) -> None:
    from portal.extensions import db
    from portal.config import FIRST_PLAN
    from portal.models import Feedback

    with app.app_context():
        db.session.add(Feedback(tracking_code=code, plan=FIRST_PLAN, item_code="2.3", kind="question", body=BODY, body_public=BODY,
                                lang="zh", state="pending"))
        db.session.commit()


def test_new_codes_are_ten_unambiguous_characters(app):
    from portal.services.feedback import new_tracking_code

    with app.app_context():
        codes = {new_tracking_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(rf"ZJ-[{ALPHABET}]{{10}}", c) for c in codes)
    assert not set("".join(codes)[3:]) & set("01OIL")


_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"}


@st.composite
def typed_forms(draw, code: str):
    """The code as a resident might type it: any case, spaces or dashes anywhere, full-width characters."""
    body = code[3:]
    prefix = draw(st.sampled_from(["ZJ-", "zj-", "ZJ", "zj ", "ＺＪ－", ""]))
    out = prefix
    for ch in body:
        ch = draw(st.sampled_from([ch, ch.lower(), _FULL_WIDTH[ch]]))
        out += ch + draw(st.sampled_from(["", "", " ", "-", "－", "\u3000"]))
    return draw(st.sampled_from(["", " "])) + out


def test_old_and_new_codes_resolve_as_typed(app):
    from portal.services.feedback import find_by_code

    codes = ("ZJ-7K3Q9M", "ZJ-ZJ2345", "ZJ-7K3Q9M4XRT")  # two issued before the longer codes, one after
    for code in codes:
        _store_old_code(app, code)

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def check(data):
        for code in codes:
            typed = data.draw(typed_forms(code))
            found = find_by_code(typed)
            assert found is not None and found.tracking_code == code, typed

    with app.app_context():
        check()
        for wrong in ("ZJ-7K3Q9N", "ZJ-7K3Q9M4XR", "ZJ-7K3Q9M²", "", None, "ZJ-" + "7" * 500):
            assert find_by_code(wrong) is None, wrong


def test_lookup_form_finds_an_old_code_typed_loosely(app, client):
    _store_old_code(app, "ZJ-7K3Q9M")
    response = client.get("/zh/feedback/", query_string={"code": " zj 7k3q-9m "})
    assert response.status_code == 302 and response.headers["Location"].endswith("/zh/feedback/ZJ-7K3Q9M")
    assert client.get("/en/feedback/zj-7k3q9m").status_code == 200


def test_lookups_are_rate_limited_per_address(app_factory):
    app = app_factory(TRACKING_RATE_LIMIT="4 per minute")
    client = app.test_client()
    here = {"REMOTE_ADDR": "203.0.113.50"}
    for n in range(4):
        path = "/zh/feedback/" if n % 2 else f"/zh/feedback/ZJ-{'A' * 10}"
        assert client.get(path, query_string={"code": "ZJ-AAAAAAAAAA"}, environ_base=here).status_code == 404
    refused = client.get("/zh/feedback/", query_string={"code": "ZJ-BBBBBBBBBB"}, environ_base=here)
    assert refused.status_code == 429
    assert "请稍等一分钟再试" in text_of(refused.data) and "查询过于频繁" in text_of(refused.data)
    refused_en = client.get("/en/feedback/ZJ-CCCCCCCCCC", environ_base=here)
    assert refused_en.status_code == 429 and "Please wait a minute" in text_of(refused_en.data)
    # Another address still gets its answer.
    other = client.get("/zh/feedback/", query_string={"code": "ZJ-BBBBBBBBBB"}, environ_base={"REMOTE_ADDR": "203.0.113.51"})
    assert other.status_code == 404


def test_two_residents_behind_one_address_each_get_their_comment(app):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Feedback

    # Each browser's form carries its own random sender id (static/js/sender.js), which is what tells two
    # neighbours on one Wi-Fi apart; the test client runs no script, so it sends what the script would.
    first, second = app.test_client(), app.test_client()
    a = tracking_code(send_comment(first, body=BODY, ip="198.51.100.9", sender="1" * 32))
    b = tracking_code(send_comment(second, body=BODY, ip="198.51.100.9", sender="2" * 32))
    assert a != b
    # A double click in one form is still one comment with one code.
    again = tracking_code(send_comment(first, body=BODY + " ", ip="198.51.100.9", sender="1" * 32))
    assert again == a
    with app.app_context():
        assert db.session.scalar(select(func.count(Feedback.id))) == 2


def test_every_route_that_looks_a_code_up_shares_the_budget(app_factory):
    """Found in the URL map (a `<tracking>` argument, or the look-up form), so a new route cannot forget it."""
    app = app_factory(TRACKING_RATE_LIMIT="3 per minute")
    client = app.test_client()
    routes = [r for r in app.url_map.iter_rules() if "tracking" in r.arguments or r.endpoint == "feedback.lookup"]
    assert {r.endpoint for r in routes} >= {"feedback.track", "feedback.lookup", "feedback.withdraw"}
    for n, rule in enumerate(routes):
        here = {"REMOTE_ADDR": f"203.0.113.{100 + n}"}
        method = "POST" if "POST" in rule.methods else "GET"
        path = rule.rule.replace("<lang>", "zh").replace("<tracking>", "ZJ-AAAAAAAAAA")
        answers = [client.open(path, method=method, query_string={"code": f"ZJ-{'B' * 9}{k}"}, environ_base=here).status_code
                   for k in range(4)]
        assert answers[:3].count(429) == 0 and answers[3] == 429, (rule.rule, method, answers)


def test_a_withdrawal_over_the_look_up_limit_says_what_the_look_ups_say(app_factory):
    """The withdrawal shares the tracking pages' budget but answered the generic "wait a few minutes" page,
    without saying that the comment and its code are safe."""
    app = app_factory(TRACKING_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        client.get("/en/feedback/ZJ-AAAAAAAAAA")
    refused = client.post("/en/feedback/ZJ-AAAAAAAAAA/withdraw")
    assert refused.status_code == 429
    assert "Please wait a minute" in text_of(refused.data) and "your comment and its code are safe" in text_of(refused.data)


def _comment_on(app, tracking: str, plan: str, code: str) -> None:
    """A comment recorded for a work point the site no longer serves (its plan unpublished, or the point
    struck out of the notice): its work_item row stays, as the records about it do."""
    from portal.extensions import db
    from portal.models import Feedback, WorkItem

    with app.app_context():
        if db.session.query(WorkItem).filter_by(plan=plan, code=code).first() is None:
            db.session.add(WorkItem(plan=plan, code=code, section=9, deadline="2019-12"))
            db.session.flush()
        db.session.add(Feedback(tracking_code=tracking, plan=plan, item_code=code, kind="question", body=BODY,
                                body_public=BODY, lang="zh", state="published"))
        db.session.commit()


def test_a_comment_of_a_plan_no_longer_served_does_not_show_the_current_plan_work_point(app, client):
    """content(plan) fell back to the current plan for a plan the site does not serve, so the tracking page
    of a comment on the old plan's 2.3 showed the current plan's 2.3 (another work point) as its subject,
    with a link to a page that does not exist."""
    _comment_on(app, "ZJ-OLDPLAN234", "2019-city-management", "2.3")
    for lang, note in (("zh", "该工作要点所属的计划已不在本站展示。"),
                       ("en", "The plan of this work point is no longer shown on this site.")):
        r = client.get(f"/{lang}/feedback/ZJ-OLDPLAN234")
        assert r.status_code == 200
        page = r.get_data(as_text=True)
        assert "老楼加装电梯" not in page and "Lift" not in text_of(page), text_of(page)
        assert "/items/2.3" not in page, "no link to a page that does not exist"
        assert note in text_of(page)
    with app.app_context():
        from portal.services.content import content

        assert content("2019-city-management").item("2.3") is None


def test_a_comment_on_a_struck_out_work_point_offers_no_dead_link(app, client):
    """The work point was struck out of its plan: its page is a 404, yet the tracking page linked to it
    twice ("Work point" and "Back to the work point")."""
    _comment_on(app, "ZJ-STRUCK9999", "2023-city-management", "9.9")
    for lang, note in (("zh", "该工作要点已不在计划中。"), ("en", "This work point is no longer in the plan.")):
        page = client.get(f"/{lang}/feedback/ZJ-STRUCK9999").get_data(as_text=True)
        assert "/items/9.9" not in page
        assert note in text_of(page) and "9.9" in text_of(page)
