"""Error pages in the resident's language; JSON errors under /api."""
from __future__ import annotations

from functools import wraps

from flask import Flask, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, InternalError, OperationalError
from werkzeug.exceptions import HTTPException

from .content.readers import human_size
from .extensions import db
from .forms import RESIDENT_TEXT_FIELDS, TYPED_TEXT_FIELDS, typed_text
from .i18n import current_lang, duration
from .machine_paths import is_api, is_feed
from .punctuation import marks
from .same_origin import CrossSitePost
from .search.query import SearchUnavailable


def _wants_json() -> bool:
    return is_api(request.path)


def page(code: int, title: str, message: str, typed: list[str] | None = None, error: Exception | None = None):
    """The error page (or the API's Error object, or a feed's plain line) with the headers the error
    carries, such as a 405's Allow."""
    headers = _carried_headers(error)
    if _wants_json():
        from .api.responses import error_response  # the API's own Error shape, imported once the app exists

        body, status = error_response(code, message)
        return body, status, headers
    if is_feed(request.path):
        # A feed reader shows or logs the answer as it is: a short line, not a 6 KB HTML page it cannot render.
        line = f"{code} {title}{marks(current_lang())['colon']}{message}\n"
        return line, code, [*headers, ("Content-Type", "text/plain; charset=utf-8")]
    return render_template("errors/error.html", code=code, title=title, message=message, typed=typed), code, headers


def _carried_headers(error: Exception | None) -> list[tuple[str, str]]:
    """What an HTTP error says besides its body (Allow, Retry-After, WWW-Authenticate): RFC 9110 requires a
    405 to name the methods the address takes. Its Content-Type is that of Werkzeug's own page, not ours."""
    if not isinstance(error, HTTPException):
        return []
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def _handles(app: Flask, *kinds):
    """app.errorhandler for each of kinds; under /api/ the handler runs in English, the language of every
    other message the API gives (its values carry both languages by name), whatever the reader's language."""
    def register(handler):
        @wraps(handler)
        def answer(e):
            if not _wants_json():
                return handler(e)
            with force_locale("en"):
                return handler(e)
        for kind in kinds:
            app.errorhandler(kind)(answer)
        return handler
    return register


def register_error_handlers(app: Flask) -> None:
    _request_errors(app)
    _server_errors(app)


def _request_errors(app: Flask) -> None:
    """The 4xx answers Flask and its extensions raise about the request itself."""

    @_handles(app, 404)
    def not_found(_e):
        if is_feed(request.path):
            return page(404, _("Feed not found"), _("There is no feed at this address."))
        return page(404, _("Page not found"), _("There is no page at this address. Try the search or the list of work points."))

    @_handles(app, 403)
    def forbidden(_e):
        return page(403, _("Not permitted"), _("Your account does not have permission for this action."))

    @_handles(app, CrossSitePost)
    def cross_site(_e):
        # A translation proxy or an unusual browser can name another site for a resident's own post: what was
        # typed comes back to copy (escaped, stored nowhere), as on the form's other refusals.
        return page(403, _("Sent from another site"), _("This form was sent from another website, so nothing was saved. If you meant to send it, please open this site's own page and send the form from there."),
                    typed_text(TYPED_TEXT_FIELDS + RESIDENT_TEXT_FIELDS) or None)

    @_handles(app, 405)
    def not_allowed(e):
        return page(405, _("Not allowed"), _("This address does not accept that kind of request."), error=e)

    @_handles(app, 400)
    def bad_request(e):
        # A message given with abort(400, description=...) is ours and translated; Werkzeug's own (the class's
        # default, for a bare abort(400)) is an English sentence about proxies, on a Chinese page.
        said = getattr(e, "description", None)
        if said == getattr(type(e), "description", None):
            said = None
        return page(400, _("Bad request"), said or _("The request could not be read."))

    @_handles(app, CSRFError)
    def csrf_error(_e):
        if request.path.startswith("/staff/"):
            return _staff_form_expired()
        return _form_expired()

    @_handles(app, 429)
    def too_many(e):
        # Every route that spends the look-up budget (feedback/routes.py, tracking_limit) says the same.
        if request.endpoint in ("feedback.track", "feedback.lookup", "feedback.withdraw", "feedback.withdraw_reloaded"):
            return page(429, _("Too many look-ups"), _("Many tracking codes have been looked up from your address in a short time. Please wait a minute and try again; your comment and its code are safe."), error=e)
        if request.endpoint == "follow.request_follow":  # limits per hour (services/follow.PER_ADDRESS, PER_CLIENT)
            return page(429, _("Too many requests"), _("This e-mail address, or your network address, has asked to follow several times in the last hour. The link in the latest confirmation e-mail still works (look in the spam folder too); otherwise please try again in an hour."), error=e)
        if request.endpoint in ("public.mark_item", "public.mark_site"):  # MARK_RATE_LIMIT, "30 per hour" by default
            return page(429, _("Too many requests"), _("Many marks have been sent from your address recently. Please wait %(wait)s and try again; the marks already counted stay counted.", wait=duration(_limit_period(e))), error=e)
        return page(429, _("Too many requests"), _("You have made many requests in a short time. Please wait a few minutes and try again."), error=e)

    @_handles(app, 413)
    def too_large(_e):
        if request.endpoint == "staff.sheet_upload":  # a file, and its limit is a setting (PORTAL_SHEET_MAX_BYTES)
            return page(413, _("File too large"), _("The file is larger than %(limit)s, the most a progress sheet may be. Please check that it is the progress sheet downloaded from this page.", limit=human_size(current_app.config["SHEET_MAX_BYTES"])))
        return page(413, _("Too much text"), _("What you sent is too large. Please shorten it and try again."))


def _staff_form_expired():
    """A staff form with a token that no longer matches (logged out or in again in another tab, or the
    session ended): what was typed is kept as a draft, put back into the form when its page is opened
    again (staff/drafts.py), and shown here too."""
    from .staff.drafts import came_from, keep_typed

    back = came_from()
    typed = typed_text()
    if keep_typed(back):
        return render_template("errors/error.html", code=400, title=_("Form expired"), typed=typed, back=back,
                               message=_("The form had expired, so nothing was saved. What you typed has been "
                                         "kept: open the page again and it will be put back into the form, "
                                         "for you to check and send.")), 400
    return _form_expired(typed or None)


def _form_expired(typed: list[str] | None = None):
    return page(400, _("Form expired"), _("The form had expired or was not sent from this site. Please go back, reload the page and send it again; what you typed may need to be entered again."), typed)


def _server_errors(app: Flask) -> None:
    """Exceptions from the database or the code while answering."""

    @_handles(app, OverflowError, DataError)
    def unreadable_value(_e):
        # A number too large for the database, or text it cannot take (such as a NUL byte in PostgreSQL).
        db.session.rollback()
        return page(400, _("Bad request"), _("The request could not be read."))

    @_handles(app, OperationalError, InternalError)  # PostgreSQL in read-only mode (SQLSTATE 25006) raises InternalError
    def database_unavailable(_e):
        db.session.rollback()
        return page(503, _("Temporarily unavailable"), _("The portal cannot save or read data just now. Nothing was half-saved. Please try again in a few minutes."))

    @_handles(app, SearchUnavailable)
    def search_unavailable(_e):
        # /healthz says "degraded" meanwhile; every page but search works.
        return page(503, _("Search unavailable"), _("Search cannot be used just now. You can still find work points by area, office, month or place from the menu. Please try again later."))

    @_handles(app, 500)
    def server_error(_e):
        return page(500, _("Something went wrong"), _("An error occurred on our side. Please try again later."))


def _limit_period(e) -> int:
    """The period of the limit a 429 hit (Flask-Limiter names it), else the longest configured for marks."""
    from limits import parse_many

    hit = getattr(getattr(e, "limit", None), "limit", None)
    if hit is not None:
        return hit.get_expiry()
    return max(item.get_expiry() for item in parse_many(current_app.config["MARK_RATE_LIMIT"]))
