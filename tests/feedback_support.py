"""Helpers for the feedback and moderation tests: send a comment as a resident, decide as staff."""
from __future__ import annotations

import re

from conftest import csrf_from, hidden_fields

BODY = "三号楼加装电梯什么时候开工？希望尽快公布时间表。"
CODE_RE = re.compile(r"ZJ-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}")


def send_comment(client, code: str = "2.3", lang: str = "zh", ip: str = "198.51.100.1", **fields):
    """POST the form on the item page as a resident would, with the page's CSRF token."""
    page = client.get(f"/{lang}/plans/2023-city-management/items/{code}")
    data = {"csrf_token": csrf_from(page.data), "body": BODY, "kind": "question", "place": "",
            "display_name": "", "contact": "", "website": ""}
    data.update({k: v for k, v in fields.items() if v is not None})
    return client.post(f"/{lang}/plans/2023-city-management/items/{code}/feedback", data=data, environ_base={"REMOTE_ADDR": ip})


def tracking_code(response) -> str:
    assert response.status_code == 302, response.status_code
    m = CODE_RE.search(response.headers["Location"])
    assert m, response.headers["Location"]
    return m.group(0)


def feedback_by_code(app, code: str):
    from portal.services.feedback import find_by_code

    with app.app_context():
        fb = find_by_code(code)
        assert fb is not None
        from portal.extensions import db

        db.session.expunge(fb)
        return fb


def submit_direct(app, body: str = BODY, ip: str = "203.0.113.9", code: str = "2.3", **kwargs):
    """A comment stored through the service (no HTTP), for staff-side tests. Returns (id, tracking code)."""
    from portal.services import feedback

    with app.app_context():
        kwargs.setdefault("kind", "suggestion")
        kwargs.setdefault("lang", "zh")
        fb = feedback.submit(code, body=body, ip=ip, **kwargs).feedback
        return fb.id, fb.tracking_code


def staff_token(client) -> str:
    """The session's CSRF token, read from the logout form on the back-office home page."""
    return csrf_from(client.get("/staff/").data)


def decide(client, feedback_id: int, action: str, **fields):
    """POST /staff/feedback/<id>/<action> as its form on the comment's staff page sends it (the per-comment
    field prefix, the token and the state the form was built from), back to the moderation list."""
    prefix = f"c{feedback_id}-"
    page = client.get(f"/staff/feedback/{feedback_id}")
    data = {name: value for name, value in hidden_fields(page.data).items() if name.startswith(prefix)}
    data.setdefault(prefix + "csrf_token", staff_token(client))  # a role that is not shown the form
    data[prefix + "next"] = "/staff/moderation"
    data.update({prefix + k: v for k, v in fields.items()})
    return client.post(f"/staff/feedback/{feedback_id}/{action}", data=data)
