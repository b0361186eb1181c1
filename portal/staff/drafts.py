"""The web side of staff drafts (the rules are in services/drafts.py): the cookie, the page a form came from,
and putting a draft back into the one form that posted it.

Which form: a form does not know the address it posts to, and field names cannot tell the forms of one
page apart (a comment's approve and reply forms share theirs), so the view that builds a form beside its
address calls put_back(form, address). If no form of the draft's page takes it (the comment was withdrawn
meanwhile, say), the page's template shows the text above the page, to copy (left_over); either way once.

The cookie holds only the random token; it is HttpOnly, SameSite=Lax, Secure behind HTTPS, lives as long as
the draft, and is limited to /staff/, so public pages never receive it (nor set it: only a staff POST that
could not be taken does), and stay cacheable (portal/http_caching.py).
"""
from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from flask import after_this_request, current_app, g, request, session

from ..forms import TYPED_TEXT_FIELDS, PortalForm, typed_text
from ..redirects import safe_target
from ..services import drafts as service
from ..services import staff_sessions
from ..services.auth import current_staff

COOKIE = "staff_draft"
COOKIE_PATH = "/staff/"


def came_from() -> str | None:
    """The staff page (path and query) the posted form was on, from the Referer when it is this site's;
    None when it cannot be told."""
    came = urlsplit(request.referrer or "")
    if came.netloc != request.host:
        return None
    target = safe_target(came.path + (f"?{came.query}" if came.query else ""), "", prefix="/staff")
    return target or None


def keep_typed(page: str | None) -> bool:
    """Keeps this POST's form as a draft when text was typed into it and the page it came from is known;
    the cookie goes with the answer. True when kept (else the text can only be shown, to copy)."""
    if not page or not typed_text():
        return False
    staff_id = _poster()
    if staff_id is None:
        return False
    token = service.keep(request.form.items(multi=True), _page_key(page), request.path, staff_id,
                         replaces=request.cookies.get(COOKIE))
    if token is None:
        return False

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(COOKIE, token, max_age=int(service.KEEP_FOR.total_seconds()), path=COOKIE_PATH,
                            httponly=True, samesite="Lax", secure=_secure())
        return response

    return True


def _poster() -> int | None:
    """Whose form this is: the staff member logged in (a stale CSRF token), else the account the browser's
    session was issued to (it ended while they typed). None when the browser holds no session at all."""
    user = current_staff()
    return user.id if user is not None else staff_sessions.owner(session.get("_user_id"))


def _page_key(address: str) -> str:
    """The page a draft belongs to: its path, and the plan when the page names one (staff/plan_scope.py),
    because a work point's page shows another plan's work point of the same code without it."""
    parts = urlsplit(address)
    plan = parse_qs(parts.query).get("plan", [""])[0]
    return unquote(parts.path) + (f"?plan={plan}" if plan else "")


def _secure() -> bool:
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def _pending():
    """The draft this browser holds for this page, read once per request."""
    if "staff_draft" not in g:
        token, user = request.cookies.get(COOKIE), current_staff()
        g.staff_draft = (service.pending(token, _page_key(request.full_path), user.id)
                         if token and user is not None and request.method == "GET" else None)
    return g.staff_draft


def put_back(form: PortalForm, action: str) -> PortalForm:
    """`form`, which posts to `action`, filled in with what this browser's draft holds when the draft was
    posted to that address from this page; then the draft is deleted and the cookie cleared. Any other
    form (another address, another page, a form being posted) is returned as it is."""
    draft = _here()
    if draft is None or urlsplit(action).path != draft.action or not form.put_back(draft.fields):
        return form
    _spend()
    return form


def left_over() -> list[str]:
    """The text of this page's draft when no form of the page took it (the form is gone: the comment
    was withdrawn or decided meanwhile, say): shown once above the page, to copy, then deleted as a
    restored draft is. Asked by the page's template, after the view has built its forms."""
    draft = _here()
    if draft is None:
        return []
    _spend()
    return [value for name, value in draft.fields.items(multi=True)
            if name.rpartition("-")[2] in TYPED_TEXT_FIELDS and value.strip()]


def _here():
    return _pending() if request.method == "GET" and request.blueprint == "staff" else None


def _spend() -> None:
    """Once: the draft is deleted and the browser's cookie cleared with this answer."""
    service.forget(request.cookies[COOKIE])
    g.staff_draft = None

    @after_this_request
    def _clear_cookie(response):
        response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Lax", secure=_secure())
        return response
