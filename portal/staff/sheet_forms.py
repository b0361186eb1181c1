"""Forms of the progress-sheet pages: the download choice (a GET form) and the upload."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, SelectField

from ..content.readers import human_size
from ..forms import PortalForm, StaffForm
from ..i18n import current_lang
from .public_text_check import publish_anyway_field


class DownloadForm(PortalForm):
    class Meta:
        csrf = False  # a GET form: downloading changes nothing but the audit log

    office = SelectField(_l("Office"), choices=[], validate_choice=False)
    format = RadioField(_l("File type"), default="xlsx", choices=[
        SelectChoice("xlsx", _l("Excel workbook (.xlsx): work points and projects, with instructions")),
        SelectChoice("items.csv", _l("CSV, work points (UTF-8, for other tools)")),
        SelectChoice("sites.csv", _l("CSV, projects (UTF-8, for other tools)")),
    ])


def download_form(store, formdata=None) -> DownloadForm:
    form = DownloadForm(formdata=formdata)
    lang = current_lang()
    form.office.choices = [SelectChoice("", gettext("All offices"))] + [
        SelectChoice(o.slug, o.name.get(lang)) for o in store.offices]
    return form


class UploadForm(StaffForm):
    sheet = FileField(validators=[FileRequired(message=_l("Please choose the file to upload."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The largest file is a setting (PORTAL_SHEET_MAX_BYTES): the label says the one this site takes.
        self.sheet.label.text = gettext("Filled-in sheet (.xlsx or .csv, at most %(size)s)",
                                        size=human_size(current_app.config["SHEET_MAX_BYTES"]))


class PublishSheetForm(StaffForm):
    """The preview's publish button; the box is offered when a text holds personal data (services/public_text.py)."""
    publish_anyway = publish_anyway_field()
