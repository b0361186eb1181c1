"""The web side of staff drafts (the rules are in services/drafts.py): the cookie, the page a form came from,
and putting a draft back into the one form that posted it.

A browser holds one draft per form (two tabs may both have expired); after login it goes back to the page
of the one posted last, which names the other pages still holding text (elsewhere), as links.

Which form: a form does not know the address it posts to, and field names cannot tell the forms of one
page apart (a comment's approve and reply forms share theirs), so the view that builds a form beside its
address calls put_back(form, address). If no form of the draft's page takes it (the comment was withdrawn
meanwhile, say), the page's template shows the text above the page, to copy (left_over); either way once.

The cookie holds only the random token; it is HttpOnly, SameSite=Lax, Secure behind HTTPS, lives as long as
the newest draft, and is limited to /staff/, so public pages never receive it (nor set it: only a staff POST that
could not be taken does), and stay cacheable (portal/http_caching.py).
"""
from __future__ import annotations

from urllib.parse import parse_qs, quote, unquote, urlsplit

from flask import after_this_request, current_app, g, request, session
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..forms import TYPED_TEXT_FIELDS, PortalForm, typed_text
from ..i18n import kept_gettext
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
                         token=request.cookies.get(COOKIE))
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


def _held() -> list:
    """This browser's drafts for the staff member logged in (newest first), read once per request for both
    this page's forms and the list of the other pages; spent ones are removed. A colleague logged in on the
    same browser is given none."""
    if "staff_draft" not in g:
        token, user = request.cookies.get(COOKIE), current_staff()
        g.staff_draft = (service.held(token, user.id)
                         if token and user is not None and request.method == "GET" else [])
    return g.staff_draft


def put_back(form: PortalForm, action: str) -> PortalForm:
    """`form`, which posts to `action`, filled in with what this browser's draft for that address holds when
    it was posted from this page; then that draft is deleted (and the cookie cleared if it was the last).
    Any other form (another address, another page, a form being posted) is returned as it is."""
    for draft in _here():
        if urlsplit(action).path == draft.action and form.put_back(draft.fields):
            _spend(draft)
            break
    return form


def left_over() -> list[str]:
    """The text of this page's drafts that no form of the page took (the form is gone: the comment
    was withdrawn or decided meanwhile, say): shown once above the page, to copy, then deleted as a
    restored draft is. Asked by the page's template, after the view has built its forms."""
    texts = []
    for draft in list(_here()):
        _spend(draft)
        texts += [value for name, value in draft.fields.items(multi=True)
                  if name.rpartition("-")[2] in TYPED_TEXT_FIELDS and value.strip()]
    return texts


def elsewhere() -> list[tuple[str, str]]:
    """The other staff pages where this browser's drafts wait for the staff member logged in, as (address,
    name): named on this page, so that the text typed in another tab is not forgotten. Asked by the page's
    template."""
    if request.method != "GET" or request.blueprint != "staff":
        return []
    pages = service.elsewhere(_held(), _page_key(request.full_path))
    return [(quote(page, safe="/?=&"), _page_name(page)) for page in pages]


def _page_name(page: str) -> str:
    """A draft's page as staff know it (the address itself for a page without a name here)."""
    try:
        endpoint, args = current_app.url_map.bind("").match(urlsplit(page).path, method="GET")
    except HTTPException:
        return page
    names = {
        "staff.feedback_detail": lambda: kept_gettext("Comment %(number)s", number=args["feedback_id"]),
        "staff.item": lambda: kept_gettext("Work point %(code)s", code=args["code"]),
        "staff.item_outcome": lambda: kept_gettext("Outcome of work point %(code)s", code=args["code"]),
        "staff.moderation": lambda: _("Moderation"),
    }
    return names[endpoint]() if endpoint in names else page


def _here() -> list:
    """This page's drafts (only on a staff page)."""
    if request.method != "GET" or request.blueprint != "staff":
        return []
    return service.pending(_held(), _page_key(request.full_path))


def _spend(draft) -> None:
    """Once: the draft is deleted, and the browser's cookie cleared with this answer when it was the last."""
    g.staff_draft = [d for d in g.staff_draft if d.id != draft.id]
    if not service.forget(request.cookies[COOKIE], draft.id):
        return

    @after_this_request
    def _clear_cookie(response):
        response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Lax", secure=_secure())
        return response
