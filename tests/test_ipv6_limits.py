"""Residents' per-address limits count an IPv6 address as its /64, as the staff login throttle does: one
subscriber (a phone on a mobile network, a home line) holds a whole /64 and can send each request from a
fresh address in it. Counted address by address, one person could hide any published comment alone
(three reports "from three residents"), send comments and marks without limit, and try tracking codes
without limit."""
from __future__ import annotations

from conftest import make_staff
from feedback_support import BODY, send_comment, submit_direct

NETWORK = "2001:db8:1234:5678"


def _address(n: int) -> str:
    return f"{NETWORK}::{n:x}"


def _publish(app, feedback_id: int) -> None:
    from portal.extensions import db
    from portal.models import Feedback, StaffUser
    from portal.services import feedback

    staff_id = make_staff(app, "pub", "moderator")
    with app.app_context():
        feedback.approve(db.session.get(Feedback, feedback_id), db.session.get(StaffUser, staff_id))


def test_three_reports_from_one_network_do_not_take_a_comment_off_the_page(app, client):
    from portal.extensions import db
    from portal.models import Feedback
    from portal.states import ModerationState

    feedback_id, _code = submit_direct(app)
    _publish(app, feedback_id)
    for n in range(1, 4):
        client.post(f"/zh/feedback/{feedback_id}/flag", data={"reason": "我不同意"},
                    environ_base={"REMOTE_ADDR": _address(n)})
    with app.app_context():
        fb = db.session.get(Feedback, feedback_id)
        assert (fb.state, fb.flag_count) == (ModerationState.PUBLISHED, 1)


def test_comments_from_one_network_share_the_per_address_limit(app_factory):
    app = app_factory(FEEDBACK_RATE_LIMIT=2)
    client = app.test_client()
    answers = [send_comment(client, ip=_address(n), body=f"{BODY}（第{n}条）").status_code for n in range(1, 5)]
    assert answers == [302, 302, 429, 429]


def test_marks_from_one_network_share_the_limit(app_factory):
    app = app_factory(MARK_RATE_LIMIT="3 per hour")
    statuses = [app.test_client().post("/en/plans/2023-city-management/items/2.3/matters",
                                       environ_base={"REMOTE_ADDR": _address(n)}).status_code for n in range(1, 6)]
    assert statuses == [302, 302, 302, 429, 429]


def test_tracking_look_ups_from_one_network_share_the_limit(app_factory):
    app = app_factory(TRACKING_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get("/en/feedback/ZJ-AAAAAAAAAA", environ_base={"REMOTE_ADDR": _address(n)}).status_code
                for n in range(1, 6)]
    assert statuses == [404, 404, 404, 429, 429]


def test_another_network_is_not_held_up(app_factory):
    app = app_factory(MARK_RATE_LIMIT="1 per hour")
    first = app.test_client().post("/en/plans/2023-city-management/items/2.3/matters",
                                   environ_base={"REMOTE_ADDR": _address(1)})
    other = app.test_client().post("/en/plans/2023-city-management/items/2.3/matters",
                                   environ_base={"REMOTE_ADDR": "2001:db8:1234:9999::1"})
    v4 = app.test_client().post("/en/plans/2023-city-management/items/2.3/matters",
                                environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert (first.status_code, other.status_code, v4.status_code) == (302, 302, 302)
