from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import client_network, db, limiter
from ..i18n import LANGS, duration
from ..inputs import ascii_int
from ..models import Feedback, ProjectSite
from ..page_address import show_as
from ..plan_urls import plan_in_urls
from ..states import ModerationState
from ..services import feedback as service
from ..services import follow, mail
from ..services.content import content, registry
from ..services.plan_links import plan_store
from . import bp
from ..lookups import item_or_404
from .forms import FlagForm, feedback_form, item_fingerprint

plan_in_urls(bp)


def _lang(lang: str) -> str:
    if lang not in LANGS:
        abort(404)
    g.lang = lang
    return lang


def _client_ip() -> str:
    """What the comment and report limits count: an IPv6 address as its /64, as Flask-Limiter does."""
    return client_network()


def _browser() -> str | None:
    """The form's identity for the double-click guard: a random value static/js/sender.js puts in the
    form when the page loads (the page is the same for everyone, so the server cannot), so two clicks
    or the back button carry the same value and two residents behind one address do not. Without
    JavaScript the address stands in."""
    sender = request.form.get("sender", "")
    return sender if len(sender) == 32 and all(c in "0123456789abcdef" for c in sender) else None


# Every route that looks a tracking code up (pages, look-up, withdrawal) shares one per-address budget, so
# codes cannot be tried one after another (tests/test_tracking_codes.py walks the URL map for them).
tracking_limit = limiter.shared_limit(lambda: current_app.config["TRACKING_RATE_LIMIT"], scope="tracking")


@bp.post("/<lang>/plans/<plan>/items/<code>/feedback")
def submit(lang: str, code: str):
    _lang(lang)
    item = item_or_404(code)
    site = _site_of(item, request.form.get("site_id"))
    moved = site is not None and site.item_code != item.code
    if moved:
        # A project site moves with its work point when the plan is renumbered: the comment is about the
        # site, so the form comes back on the site's page under its work point's new number.
        item = item_or_404(site.item_code)
    form = feedback_form(content(), item, formdata=request.form)
    if moved or (form.about.data and form.about.data != item_fingerprint(item)):
        # Built for the work point this number named before the plan was renumbered: nothing is stored
        # under another one. The form comes back for this one, with the text kept.
        form.about.data = item_fingerprint(item)
        return _render_item(item, form, _("The numbering or the wording of the work points changed while you were writing. Please check that this work point is the one you meant, then send your comment again; what you typed is kept below."), 409, site)
    if form.validate_on_submit():
        if form.website.data:
            # Looks like an automated sender: say so plainly, store nothing.
            return _render_item(item, form, _("Your comment could not be accepted. If you are a person, please leave the last field empty."), 400, site)
        try:
            result = service.submit(
                item.code, body=form.body.data, kind=form.kind.data, ip=_client_ip(), lang=lang,
                display_name=form.display_name.data, show_full_name=form.show_full_name.data,
                contact=form.contact.data, place_slug=form.place.data or None, site_id=site.id if site else None,
                browser=_browser(), plan=item.plan,
            )
        except service.RateLimited:
            return _render_item(item, form, _("You have sent several comments recently. Please wait %(wait)s and try again; nothing you typed has been lost.", wait=duration(current_app.config["FEEDBACK_RATE_WINDOW"])), 429, site)
        # The same text sent again (a double click, or the back button and the box ticked this time) is the
        # comment already stored: its request to be told still counts, unless this address already asked.
        if form.notify_reply.data and mail.enabled() and (
                result.created or not follow.asked(form.contact.data, "comment", str(result.feedback.id))):
            try:
                follow.subscribe(form.contact.data, "comment", str(result.feedback.id), lang)
            except follow.TooManyRequests:
                pass  # the comment is taken; its answer shows on its tracking page as always
        return redirect(url_for("feedback.track", lang=lang, tracking=result.feedback.tracking_code, sent=1))
    return _render_item(item, form, None, 400, site)


@bp.get("/<lang>/plans/<plan>/items/<code>/feedback")
def submit_reloaded(lang: str, code: str):
    """The address a comment form posts to stays in the address bar after an error or a 429 page;
    a reload, a restored tab or a shared link sends a GET here: lead back to the form."""
    _lang(lang)
    item_or_404(code)
    return redirect(url_for("public.item", lang=lang, code=code) + "#feedback-form", 303)


@bp.get("/<lang>/feedback/<int:feedback_id>/flag")
def flag_reloaded(lang: str, feedback_id: int):
    """The report form redirects after a POST, but a GET on its address (a copied link) leads back too."""
    _lang(lang)
    fb = _published_or_404(feedback_id)
    return redirect(url_for("public.item", lang=lang, plan=fb.plan, code=fb.item_code) + f"#comment-{fb.id}", 303)


def _published_or_404(feedback_id: int) -> Feedback:
    """Only a published comment can be reported; any other looks as if it did not exist."""
    fb = db.session.get(Feedback, feedback_id)
    if fb is None or fb.state != ModerationState.PUBLISHED:
        abort(404)
    return fb


def _site_of(item, raw: str | None) -> ProjectSite | None:
    """The project site a comment is about (its page posts the id), in the item's plan; any other id is a bad
    request. The site may belong to another work point of the plan now (renumbered): the caller decides."""
    if not raw:
        return None
    try:
        site = db.session.get(ProjectSite, ascii_int(raw))
    except ValueError:
        site = None
    if site is None or site.plan != item.plan:
        abort(400)
    return site


def _render_item(item, form, message, status, site=None):
    # The public area imports this one's thread helpers, so its page renderers are imported here.
    from ..public.item_page import render_item_page, render_site_page

    if site is not None:
        show_as("public.site", code=item.code, site_id=site.id)
        return render_site_page(item, site, form, message), status
    show_as("public.item", code=item.code)
    return render_item_page(item, form, message), status


@bp.get("/<lang>/feedback/<tracking>")
@tracking_limit
def track(lang: str, tracking: str):
    _lang(lang)
    fb = service.find_by_code(tracking)
    if fb is None:
        abort(404)
    served = registry().store(fb.plan) is not None
    if served:
        g.plan = fb.plan  # links on the page go to the comment's plan
    # Linked only where its page exists: not for a work point struck out of its plan, nor one of a plan no
    # longer served (named then by its own plan's text, if that can still be read, never by the current plan's).
    store = plan_store(fb.plan)
    item = store.item(fb.item_code) if store is not None else None
    site = db.session.get(ProjectSite, fb.site_id) if fb.site_id else None
    return render_template("feedback/track.html", fb=fb, item=item, linked=served and item is not None, plan_served=served,
                           site=site, just_sent=request.args.get("sent") == "1",
                           state_label=_(service.STATES[fb.state]), can_withdraw=service.can_withdraw,
                           states=ModerationState)


@bp.get("/<lang>/feedback/")
@tracking_limit
def lookup(lang: str):
    _lang(lang)
    if "code" not in request.args:
        return render_template("feedback/lookup.html", code="", not_found=False)
    code = request.args.get("code", "").strip()
    if not code:  # "Check" pressed with the box empty (or holding spaces only)
        return render_template("feedback/lookup.html", code="", not_found=False, empty=True), 400
    fb = service.find_by_code(code)
    if fb:
        return redirect(url_for("feedback.track", lang=lang, tracking=fb.tracking_code))
    return render_template("feedback/lookup.html", code=code[:30], not_found=True), 404


@bp.post("/<lang>/feedback/<int:feedback_id>/flag")
def flag(lang: str, feedback_id: int):
    _lang(lang)
    fb = _published_or_404(feedback_id)
    form = FlagForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason for reporting the comment."))
    else:
        service.flag(fb, form.reason.data, _client_ip())
        flash(_("Thank you. Staff will look at this comment again."))
    return redirect(url_for("public.item", lang=lang, plan=fb.plan, code=fb.item_code) + f"#comment-{fb.id}")
