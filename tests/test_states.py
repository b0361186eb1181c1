"""States are types: the moderation transition table as the service, the staff card and the database
apply it; queue membership read the same in Python and in SQL; values outside an enum refused."""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from conftest import ROOT

# What each moderator action does to a comment, from the moderation rules as staff know them; a
# missing entry means the action is refused. (state, reported by readers?, action) -> new state
EXPECTED = {
    ("pending", False, "approve"): "published", ("pending", True, "approve"): "published",
    ("rejected", False, "approve"): "published", ("rejected", True, "approve"): "published",
    ("hidden", False, "approve"): "published", ("hidden", True, "approve"): "published",
    ("published", True, "approve"): "published",  # kept; the reports are dismissed
    ("pending", False, "reject"): "rejected", ("pending", True, "reject"): "rejected",
    ("published", False, "hide"): "hidden", ("published", True, "hide"): "hidden",
    ("published", False, "reply"): "published", ("published", True, "reply"): "published",
}
STATES = ("pending", "published", "rejected", "hidden", "withdrawn")
ACTIONS = ("approve", "reject", "hide", "reply")
_codes = itertools.count(1)


def _comment(state: str, flags: int):
    from portal.extensions import db
    from portal.models import Feedback

    fb = Feedback(tracking_code=f"ZJ-T{next(_codes):09d}", plan="2023-city-management", item_code="2.3", kind="question", body="电梯？",
                  body_public="电梯？", lang="zh", state=state, flag_count=flags)
    db.session.add(fb)
    db.session.commit()
    return fb


def _act(fb, action: str):
    from portal.services import feedback

    if action == "approve":
        feedback.approve(fb, None)
    elif action == "reply":
        feedback.reply(fb, "将于下月开工。", None)
    else:
        getattr(feedback, action)(fb, "与本工作点无关。", None)


def test_the_service_follows_the_transition_table(app):
    from portal.extensions import db
    from portal.services.errors import NotAllowed

    with app.test_request_context():  # moderation happens in a request; the refusal names the state in its language
        for state, reported, action in itertools.product(STATES, (False, True), ACTIONS):
            fb = _comment(state, 2 if reported else 0)
            expected = EXPECTED.get((state, reported, action))
            where = f"{action} on {state}{' (reported)' if reported else ''}"
            if expected is None:
                with pytest.raises(NotAllowed):
                    _act(fb, action)
                db.session.rollback()
                assert db.session.get(type(fb), fb.id).state == state, where
            else:
                _act(fb, action)
                assert db.session.get(type(fb), fb.id).state == expected, where


def test_the_staff_card_offers_exactly_the_allowed_actions(app, staff_client):
    import re

    with app.app_context():
        cases = [(_comment(state, flags).id, state, flags) for state in STATES for flags in (0, 2)]
    client = staff_client("moderator")
    for fid, state, flags in cases:
        page = client.get(f"/staff/feedback/{fid}").get_data(as_text=True)
        offered = set(re.findall(rf'action="/staff/feedback/{fid}/(\w+)"', page))
        expected = {a for a in ACTIONS if (state, flags > 0, a) in EXPECTED}
        assert offered == expected, f"{state}, {flags} reports"


def test_queue_membership_reads_the_same_in_python_and_sql(app):
    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        rows = [_comment(state, flags) for state in STATES for flags in (0, 1, 3)]
        in_sql = set(db.session.scalars(sa.select(Feedback.id).where(Feedback.in_queue)))
        in_python = {fb.id for fb in rows if fb.in_queue}
        expected = {fb.id for fb in rows if fb.state == "pending" or (fb.state == "published" and fb.flag_count)}
        assert in_sql == in_python == expected


@pytest.mark.parametrize("table, column, bad", [("feedback", "state", "deleted"), ("staff_user", "role", "root"),
                                                ("work_item", "current_status", "done")])
def test_the_database_refuses_a_value_outside_the_enum(app, table, column, bad):
    """Even a statement that bypasses the models (a hand-written fix in psql) cannot store another value."""
    from conftest import make_staff
    from portal.extensions import db

    make_staff(app, "alice", "moderator")
    with app.app_context():
        _comment("pending", 0)
        assert db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() > 0
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text(f"UPDATE {table} SET {column} = :bad"), {"bad": bad})
            db.session.commit()
        db.session.rollback()


def test_the_orm_refuses_a_value_outside_the_enum(app):
    from portal.extensions import db

    with app.app_context():
        fb = _comment("pending", 0)
        fb.state = "deleted"
        with pytest.raises(sa.exc.StatementError):
            db.session.commit()
        db.session.rollback()


def test_the_migration_keeps_the_stored_values_both_ways(app):
    from flask_migrate import downgrade, upgrade

    from portal.extensions import db
    from portal.models import Feedback

    with app.app_context():
        fid = _comment("withdrawn", 0).id
        db.session.remove()
        downgrade(directory=str(ROOT / "migrations"), revision="http_caching")
        assert db.session.execute(sa.text("SELECT state FROM feedback WHERE id = :id"), {"id": fid}).scalar() == "withdrawn"
        db.session.execute(sa.text("UPDATE feedback SET state = 'deleted' WHERE id = -1"))  # no constraint, no row
        db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        assert db.session.get(Feedback, fid).state == "withdrawn"
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE feedback SET state = 'deleted' WHERE id = :id"), {"id": fid})
        db.session.rollback()
