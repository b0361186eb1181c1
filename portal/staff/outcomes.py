"""Staff pages for plans: each plan's completeness (the `flask plans check` code) and outcome counts,
its items, and the form recording what became of an item once the plan's year is over.
Editors and admins only; moderators get 403."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..i18n import N_, kept_gettext
from ..models import ItemOutcome, StaffUser
from ..numbers import plain
from ..states import OutcomeKind
from ..services import auth, plan_links, public_text
from ..services import outcomes as outcome_service
from ..services.content import content
from ..services.plans import check_plans
from ..services.versions import Stale
from . import bp
from .drafts import put_back
from .outcome_forms import FIGURE_PREFIX, figure_fields, outcome_form
from .public_text_check import held_back


# The keys of PlanCheck.missing (services/plans.py), as staff read them.
MISSING = {
    "title zh": N_("No Chinese title"), "title en": N_("No English title"),
    "summary zh": N_("No plain-language summary in Chinese"), "summary en": N_("No plain-language summary in English"),
    "targets": N_("No targets (the official text has a figure)"), "places": N_("No places"),
}


@bp.context_processor
def _plan_helpers():
    return {"missing_label": lambda what: _(MISSING[what]) if what in MISSING else what}


def _outcome_counts() -> dict[str, Counter]:
    """Per plan: recorded outcomes by kind, in one query."""
    counts: dict[str, Counter] = {}
    stmt = select(ItemOutcome.plan_slug, ItemOutcome.result, func.count()).group_by(ItemOutcome.plan_slug,
                                                                                     ItemOutcome.result)
    for slug, result, n in db.session.execute(stmt):
        counts.setdefault(slug, Counter())[OutcomeKind(result)] += n
    return counts


def _fingerprint(root: str) -> tuple:
    """Names, sizes and times of every content file: a plan check is redone only when one changes."""
    return tuple((str(p), st.st_size, st.st_mtime_ns) for p in sorted(Path(root).rglob("*"))
                 if p.is_file() and (st := p.stat()))


@lru_cache(maxsize=4)
def _checks(root: str, fingerprint: tuple, locale: str) -> list:
    # Loading every plan takes about a second; the files rarely change between two page views. The errors and
    # warnings are worded when checked, so a check is kept per language (else the first viewer's stays).
    return check_plans(root)


@bp.get("/plans")
@auth.requires("update_status")
def plans():
    root = current_app.config["CONTENT_DIR"]
    checks = _checks(root, _fingerprint(root), str(get_locale()))
    known = {p.slug: p for p in content().plans}
    return render_template("staff/plans.html", checks=checks, plans=known, counts=_outcome_counts(),
                           current=plan_links.current_slug(), kinds=list(OutcomeKind))


def _plan_or_404(slug: str):
    store = plan_links.plan_store(slug)
    if store is None:
        abort(404)
    return store


@bp.get("/plans/<slug>")
@auth.requires("update_status")
def plan_items(slug: str):
    store = _plan_or_404(slug)
    return render_template("staff/plan_items.html", store=store, plan=store.plan,
                           outcomes=outcome_service.outcomes_for(slug), year_over=outcome_service.year_over(store.plan),
                           current=slug == plan_links.current_slug())


def _defaults(outcome) -> dict:
    if outcome is None:
        return {}
    values = {FIGURE_PREFIX + k: plain(v) for k, v in (outcome.figures or {}).items()}
    return {"result": str(outcome.result), "note_zh": outcome.note_zh, "note_en": outcome.note_en or "",
            "continued_by": outcome.continued_by or "", **values}


@bp.route("/plans/<slug>/items/<code>/outcome", methods=["GET", "POST"])
@auth.requires("update_status")
def item_outcome(slug: str, code: str):
    store = _plan_or_404(slug)
    item = store.item(code) or abort(404)
    existing = outcome_service.outcome_of(slug, code)
    try:
        outcome_service.check_can_record(store.plan)
    except outcome_service.OutcomeRefused as refused:
        return _render(store.plan, item, None, existing, refused=_(refused.message, **refused.params),
                       status=400 if request.method == "POST" else 200)
    if request.method != "POST":  # GET, and HEAD: a GET without its body
        form = outcome_form(store.plan, item, formdata=None, seen=outcome_service.version(existing), **_defaults(existing))
        return _render(store.plan, item, put_back(form, url_for("staff.item_outcome", slug=slug, code=code)), existing)
    form = outcome_form(store.plan, item, formdata=request.form)
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    held, found = held_back(form)
    if not valid or held:
        return _render(store.plan, item, form, existing, status=400)
    actor = auth.current_staff()
    try:
        outcome_service.record_outcome(store.plan, code, OutcomeKind(form.result.data), form.figures(), form.note_zh.data,
                                       form.note_en.data, form.continued_by.data, actor=actor,
                                       seen=form.seen.data)
    except Stale as stale:
        author = db.session.get(StaffUser, stale.newest.staff_id) if stale.newest.staff_id else None
        form.conflict = _(NEWER_OUTCOME, who=author.username if author else _("A colleague"),
                          label=_(outcome_service.LABELS[OutcomeKind(stale.newest.result)]))
        form.seen.data = stale.version
        return _render(store.plan, item, form, stale.newest, status=409)
    if found:
        public_text.record_published_anyway("work_item", code, found, actor)
    flash(kept_gettext("Outcome recorded for work point %(code)s.", code=code))
    return redirect(url_for("staff.plan_items", slug=slug) + f"#item-{code}")


NEWER_OUTCOME = N_("%(who)s saved this outcome (“%(label)s”) after you opened this page. Nothing was saved. What you "
                   "typed is kept below: check it against theirs, then save it if it is still right.")


def _render(plan, item, form, existing, refused: str | None = None, status: int = 200):
    return render_template("staff/item_outcome.html", plan=plan, item=item, form=form, existing=existing,
                           refused=refused, figure_inputs=figure_fields(form) if form else []), status
