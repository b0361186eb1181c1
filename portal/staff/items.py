"""Staff pages for work points: publish a status and progress update, add project sites, move a
site to its next stage. Editors and admins only; moderators get 403."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..inputs import ascii_int
from ..lookups import record_of
from ..numbers import plain
from ..i18n import N_
from ..models import ProjectSite, StaffUser, StatusUpdate
from ..services import auth
from ..services import items as item_service
from ..services import progress as progress_service
from ..services import public_text
from ..services import sites as site_service
from ..services.clock import today
from ..services.content import content
from ..services.status import status_map
from ..services.versions import Stale
from ..states import ItemStatus
from . import bp
from .drafts import put_back
from .plan_scope import other_plan
from .item_forms import PROGRESS_PREFIX, site_form, stage_form, update_form
from .public_text_check import held_back


def _item_or_404(code: str):
    item = content().item(code)
    if item is None:
        abort(404)
    return item


@bp.get("/items/")
@auth.requires("update_status")
def items():
    store = content()
    sites = site_service.all_sites_by_item()
    return render_template("staff/items.html", sections=store.sections, statuses=status_map(store.items),
                           site_counts={code: len(v) for code, v in sites.items()}, other_plan=other_plan())



def _render(item, update=None, new_site=None, stage_forms=None, status=200, **extra):
    entries = item_service.history(item)
    sites = site_service.sites_of(item.code)
    derived = site_service.derived_progress(item, sites)
    current = item_service.status_of(item)
    if update is None:
        update = update_form(item, set(derived), formdata=None, happened_on=today().isoformat(),
                             status=current.code if current.reported else ItemStatus.IN_PROGRESS,
                             seen=progress_service.version(item.code))
    new_site = new_site or site_form(item, content(), formdata=None, happened_on=today().isoformat(),
                                     seen=site_service.sites_version(item.code))
    forms = {s.id: stage_form(s, formdata=None, happened_on=today().isoformat(), stage=s.stage,
                              seen=site_service.stage_version(s)) for s in sites}
    # What was typed before the session or the form expired goes back into the one form that posted it.
    put_back(update, url_for("staff.item", code=item.code))
    put_back(new_site, url_for("staff.add_site", code=item.code))
    for site_id, stage in forms.items():
        put_back(stage, url_for("staff.site_stage", code=item.code, site_id=site_id))
    forms.update(stage_forms or {})
    extra.setdefault("just_published", _just_published(entries))
    return render_template("staff/item_edit.html", item=item, status=current, history=entries, sites=sites,
                           progress=item_service.progress_rows(item, entries, sites), derived=derived,
                           form=update, site_form=new_site, stage_forms=forms,
                           counting_stage=site_service.counting_stage, other_plan=other_plan(), **extra), status


def _just_published(entries):
    """The entry this staff member has just published, offered for a one-click correction."""
    entry_id = session.pop("just_published", None)
    return next((e for e in entries if e.id == entry_id), None)


def _correction_form(item, entry_id: int):
    """The update form prefilled from an earlier entry: a correction is published as a new entry."""
    entry = record_of(StatusUpdate, item, entry_id)
    derived = _derived(item)
    values = {PROGRESS_PREFIX + p.target_key: plain(p.value) for p in entry.progress if p.target_key not in derived}
    form = update_form(item, derived, formdata=None, status=entry.status, note_zh=entry.note_zh,
                       note_en=entry.note_en or "", happened_on=entry.happened_on.isoformat(),
                       seen=progress_service.version(item.code), **values)
    return form, entry


@bp.route("/items/<code>", methods=["GET", "POST"])
@auth.requires("update_status")
def item(code: str):
    item = _item_or_404(code)
    if request.method != "POST":  # GET, and HEAD: a GET without its body
        correct = request.args.get("correct", type=ascii_int)
        if correct is None:
            return _render(item)
        form, entry = _correction_form(item, correct)
        return _render(item, update=form, correcting=entry)
    form = update_form(item, _derived(item), formdata=request.form)
    valid = form.validate_on_submit()
    # Checked at the preview already: what the preview shows is what is published.
    held, found = held_back(form)
    if not valid or held:
        return _render(item, update=form, status=400)
    if request.form.get("step") == "preview":
        return _render(item, update=form, preview=_preview(form))
    actor = auth.current_staff()
    try:
        entry = progress_service.record_update(code, form.status.data, form.note_zh.data, form.note_en.data,
                                               form.happened_on.day, form.values(), actor=actor,
                                               seen=form.seen.data)
    except Stale as stale:
        _conflict(form, stale, NEWER_UPDATE, date=stale.newest.happened_on.isoformat(), note=stale.newest.note_zh)
        return _render(item, update=form, status=409)
    if found:
        public_text.record_published_anyway("work_item", code, found, actor)
    session["just_published"] = entry.id
    flash(_("Update published for work point %(code)s.", code=code))
    return redirect(url_for("staff.item", code=code))


NEWER_UPDATE = N_("%(who)s published an update on this work point after you opened this page (dated %(date)s: "
                  "“%(note)s”). Nothing was published. What you typed is kept below: read the newer update in "
                  "the history, then publish yours if it is still right.")
NEWER_SITE = N_("%(who)s added the project “%(name)s” after you opened this page. Nothing was added. If it is "
                "the one you meant, there is nothing more to do; if not, press “Add project” again.")
NEWER_STAGE = N_("%(who)s recorded a stage of this project after you opened this page (“%(stage)s”, dated "
                 "%(date)s). Nothing was recorded. What you typed is kept below: check it, then record it again "
                 "if it is still right.")


def _conflict(form, stale: Stale, message: str, **params) -> None:
    """The form as sent, with a word on the newer work and the version that includes it, so sending it
    again (having read that) goes through."""
    author = db.session.get(StaffUser, stale.newest.staff_id) if stale.newest.staff_id else None
    form.conflict = _(message, who=author.username if author else _("A colleague"), **params)
    form.seen.data = stale.version


def _derived(item) -> set[str]:
    return set(site_service.derived_progress(item, site_service.sites_of(item.code)))


def _preview(form) -> dict:
    """What residents will read, and the fields to send again when staff press "Publish"."""
    hidden = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "step")]
    return {"status": form.status.data, "note_zh": form.note_zh.data.strip(),
            "note_en": (form.note_en.data or "").strip(), "happened_on": form.happened_on.day,
            "progress": form.values(), "fields": hidden}


@bp.post("/items/<code>/sites")
@auth.requires("update_status")
def add_site(code: str):
    item = _item_or_404(code)
    form = site_form(item, content(), formdata=request.form)
    valid = form.validate_on_submit()
    held, found = held_back(form)
    if not valid or held:
        return _render(item, new_site=form, status=400)
    actor = auth.current_staff()
    try:
        site = site_service.add_site(code, form.target_key.data or None, form.name_zh.data, form.name_en.data,
                                     form.place_slug.data or None, form.building.data, form.stage.data,
                                     actor, happened_on=form.happened_on.day, note_zh=form.note_zh.data,
                                     seen=form.seen.data)
    except Stale as stale:
        _conflict(form, stale, NEWER_SITE, name=stale.newest.name_zh)
        return _render(item, new_site=form, status=409)
    if found:
        public_text.record_published_anyway("project_site", site.id, found, actor)
    flash(_("Project added."))
    return redirect(url_for("staff.item", code=code) + "#sites")


@bp.post("/items/<code>/sites/<int:site_id>/stage")
@auth.requires("update_status")
def site_stage(code: str, site_id: int):
    item = _item_or_404(code)
    site = record_of(ProjectSite, item, site_id)
    form = stage_form(site, formdata=request.form)
    valid = form.validate_on_submit()
    held, found = held_back(form)
    if not valid or held:
        return _render(item, stage_forms={site.id: form}, status=400)
    actor = auth.current_staff()
    try:
        site_service.set_site_stage(site, form.stage.data, form.note_zh.data, form.happened_on.day,
                                    actor, note_en=form.note_en.data, seen=form.seen.data)
    except Stale as stale:
        _conflict(form, stale, NEWER_STAGE, stage=_(site_service.STAGES.get(stale.newest.stage, stale.newest.stage)),
                  date=stale.newest.happened_on.isoformat())
        return _render(item, stage_forms={site.id: form}, status=409)
    if found:
        public_text.record_published_anyway("project_site", site.id, found, actor)
    flash(_("Stage recorded."))
    return redirect(url_for("staff.item", code=code) + f"#site-{site.id}")
