"""Progress spreadsheets (进度表) in the back office: download, upload for a preview, publish.
Editors and admins only, like the item form whose rules the sheet follows."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import csv_files
from ..i18n import count_words
from ..services import auth
from ..services.content import content
from ..services.sheets import uploads
from ..services.sheets.apply import publish as publish_sheet
from ..services.sheets.check import check
from ..services.sheets.download import FORMATS, download
from ..services.sheets.read import Parsed, read
from . import bp
from .plan_scope import other_plan
from .sheet_forms import PublishSheetForm, UploadForm, download_form

UPLOAD_ENDPOINT = "staff.sheet_upload"
# Room for the multipart framing and the CSRF token around the file itself.
FORM_OVERHEAD = 64 * 1024
# The upload form's parts: the CSRF token and the file, with room to spare.
FORM_PARTS = 4


def allow_sheet_upload() -> None:
    """Raises the request size limit for the sheet upload only, and only for staff who may upload (anyone
    else keeps the 64 KB every other form has). Runs before every other before_request hook, because
    CSRFProtect reads the form (and so meets the global limit) in its own.

    The larger limit is for the file: only a multipart body has one (a URL-encoded body is read whole into
    the form), each text part keeps to MAX_FORM_MEMORY_SIZE (64 KB, as any form), and the parts are few."""
    if (request.endpoint == UPLOAD_ENDPOINT and request.mimetype == "multipart/form-data"
            and auth.can(auth.current_staff(), "update_status")):
        request.max_content_length = current_app.config["SHEET_MAX_BYTES"] + FORM_OVERHEAD
        request.max_form_parts = FORM_PARTS


def _page(upload_form=None, status=200):
    return render_template("staff/sheets.html", download=download_form(content()), form=upload_form or UploadForm(),
                           other_plan=other_plan()), status


@bp.get("/progress-sheets")
@auth.requires("update_status")
def sheets():
    return _page()


@bp.get("/progress-sheets/download")
@auth.requires("update_status")
def sheet_download():
    fmt, office = request.args.get("format", "xlsx"), request.args.get("office") or None
    if fmt not in FORMATS or (office and content().office(office) is None):
        abort(404)
    data, mimetype, name = download(fmt, office, auth.current_staff())
    return csv_files.download(data, mimetype, name)


@bp.post("/progress-sheets/upload")
@auth.requires("update_status")
def sheet_upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    data = form.sheet.data.read(current_app.config["SHEET_MAX_BYTES"] + 1)
    if len(data) > current_app.config["SHEET_MAX_BYTES"]:
        abort(413)
    upload = uploads.store(form.sheet.data.filename, data, read(data, form.sheet.data.filename),
                           auth.current_staff())
    return redirect(url_for("staff.sheet_preview", token=upload.token))


def _preview(upload, plan, status=200):
    before = uploads.published_before(upload.sha256)
    return render_template("staff/sheet_preview.html", upload=upload, plan=plan, published_before=before,
                           publish_form=PublishSheetForm(), form=UploadForm(), other_plan=other_plan()), status


@bp.get("/progress-sheets/<token>")
@auth.requires("update_status")
def sheet_preview(token: str):
    upload = uploads.find(token, auth.current_staff()) or abort(404)
    return _preview(upload, check(Parsed.from_dict(upload.rows)))


@bp.post("/progress-sheets/<token>/publish")
@auth.requires("update_status")
def sheet_publish(token: str):
    form = PublishSheetForm()
    if not form.validate_on_submit():
        abort(400)
    upload = uploads.find(token, auth.current_staff()) or abort(404)
    if upload.published_at is not None:
        flash(_("This upload was already published; nothing was changed."))
        return redirect(url_for("staff.sheets"))
    plan = publish_sheet(upload, auth.current_staff(), anyway=form.publish_anyway.data)
    if not plan.published:
        return _preview(upload, plan, 409)
    flash(count_words("Published %(num)d change from %(file)s.", "Published %(num)d changes from %(file)s.",
                   plan.changes, file=upload.filename))
    return redirect(url_for("staff.sheets"))
