"""Follow by e-mail: the request (from item, site and place pages), the one-time confirmation link,
the unsubscribe link (also RFC 8058 one-click POST from mail programs), and the privacy notice."""
from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, url_for

from ..extensions import csrf, limiter
from ..i18n import lang_in_urls
from ..services import follow as service
from ..services import mail, marks
from . import bp
from .forms import ButtonForm, FollowForm

# Per network address; per e-mail address in the service (services/follow.PER_ADDRESS), which the
# comment form's "e-mail me the answer" goes through too.
PER_CLIENT = "20 per hour"


lang_in_urls(bp)


@bp.post("/<lang>/follow")
@limiter.limit(PER_CLIENT)
def request_follow():
    if not mail.enabled():
        abort(404)
    form = FollowForm()
    if not form.validate_on_submit():
        return render_template("follow/request.html", form=form, name=None), 400
    try:
        service.subscribe(form.email.data, form.kind.data, form.key.data, g.lang)
    except service.TooManyRequests:
        abort(429)
    return render_template("follow/sent.html", name=form.followed_name)


@bp.get("/<lang>/follow")
def request_reloaded():
    """Every answer to the follow form (the "check your e-mail" page too) leaves its address in the bar; a
    reload or a tab the phone restores sends a GET: the form is on the page of each thing, so go home."""
    if not mail.enabled():
        abort(404)
    return redirect(url_for("public.home", lang=g.lang), 303)


@bp.route("/<lang>/follow/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    sub = service.pending(token)
    if sub is None:
        return render_template("follow/link_used.html"), 404
    name = service.thing_name(sub.kind, sub.key, g.lang) or ""
    form = ButtonForm()
    if request.method == "POST" and form.validate_on_submit():
        service.confirm(token)
        return render_template("follow/confirmed.html", name=name)
    return render_template("follow/confirm.html", name=name, form=form)


@bp.route("/<lang>/follow/unsubscribe/<int:sub_id>/<signature>", methods=["GET", "POST"])
@csrf.exempt  # mail programs post here without our token (RFC 8058); the signed link is the secret
def unsubscribe(sub_id: int, signature: str):
    if request.method == "POST" and request.form.get("List-Unsubscribe") != "One-Click":
        abort(400)
    sub = service.for_unsubscribe(sub_id, signature)
    if sub is None:
        return render_template("follow/unsubscribed.html", name=None, broken=True), 404
    name = service.thing_name(sub.kind, sub.key, g.lang) or ""
    if request.method == "POST":
        service.unsubscribe(sub)
        return render_template("follow/unsubscribed.html", name=name)
    return render_template("follow/unsubscribe.html", name=name)


@bp.get("/<lang>/privacy")
def privacy():
    return render_template("follow/privacy.html", retention_days=current_app.config["CONTACT_RETENTION_DAYS"],
                           unconfirmed_days=service.UNCONFIRMED_FOR.days, mail_on=mail.enabled(),
                           mark_cookie_years=marks.COOKIE_MAX_AGE // (365 * 24 * 3600))
