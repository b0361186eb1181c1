"""Forms for publishing a work point's status and progress and for its project sites.

The rules live in services/progress.py and services/sites.py (one place for the web, CLI and
tests); these forms render the fields, carry the CSRF token and show the service's errors beside
each field. Dates and numbers are plain text fields so the service's messages, not WTForms' own,
are what staff read."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..i18n import current_lang
from ..services.sites import STAGES
from ..services.status import STATUSES

PROGRESS_PREFIX = "progress_"


def parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


class ItemUpdateForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    note_zh = TextAreaField(_l("What changed (Chinese)"), validators=[
        DataRequired(message=_l("Please say what changed, in Chinese.")), Length(max=2000)])
    note_en = TextAreaField(_l("What changed (English, optional)"), validators=[Optional(), Length(max=2000)])
    happened_on = StringField(_l("Date it happened"), render_kw={"type": "date"},
                              validators=[DataRequired(message=_l("Please give the date as YYYY-MM-DD."))])


def update_form(item, derived: set[str], formdata=None, **defaults) -> ItemUpdateForm:
    """A form with one progress field per target that staff type in (targets counted from sites have none)."""
    lang = current_lang()

    class Form(ItemUpdateForm):
        pass

    for t in item.targets:
        if t.key in derived:
            continue
        label = gettext("%(metric)s (target: %(value)s %(unit)s)", metric=t.metric.get(lang),
                        value=t.display_value, unit=t.unit.get(lang))
        setattr(Form, PROGRESS_PREFIX + t.key, StringField(label, validators=[Optional()],
                                                           render_kw={"inputmode": "decimal"}))
    form = Form(formdata=formdata, **defaults)
    form.status.choices = [SelectChoice(k, gettext(v)) for k, v in STATUSES.items()]
    return form


def progress_fields(form) -> list:
    return [f for f in form if f.name.startswith(PROGRESS_PREFIX)]


class SiteForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(message=_l("Please give the name in Chinese.")),
                                                            Length(max=200)])
    name_en = StringField(_l("Name (English, optional)"), validators=[Optional(), Length(max=200)])
    target_key = SelectField(_l("Counts towards target"), choices=[], validate_choice=False)
    place_slug = SelectField(_l("Place"), choices=[], validate_choice=False)
    building = StringField(_l("Building (optional)"), validators=[Optional(), Length(max=100)])
    stage = SelectField(_l("Stage"), choices=[], validate_choice=False)
    happened_on = StringField(_l("Date of this stage"), render_kw={"type": "date"},
                              validators=[DataRequired(message=_l("Please give the date as YYYY-MM-DD."))])
    note_zh = TextAreaField(_l("Note (Chinese, optional)"), validators=[Optional(), Length(max=2000)])


def site_form(item, store, formdata=None, **defaults) -> SiteForm:
    lang = current_lang()
    form = SiteForm(formdata=formdata, prefix="site", **defaults)
    form.target_key.choices = [SelectChoice("", gettext("None"))] + [SelectChoice(t.key, t.metric.get(lang))
                                                                     for t in item.targets]
    form.place_slug.choices = [SelectChoice("", gettext("Not one of the listed places"))] + [
        SelectChoice(p.slug, p.name.get(lang)) for p in store.places]
    form.stage.choices = [SelectChoice(k, gettext(v)) for k, v in STAGES.items()]
    return form


class StageForm(FlaskForm):
    stage = SelectField(_l("New stage"), choices=[], validate_choice=False)
    happened_on = StringField(_l("Date it happened"), render_kw={"type": "date"},
                              validators=[DataRequired(message=_l("Please give the date as YYYY-MM-DD."))])
    note_zh = TextAreaField(_l("Note (Chinese, optional)"), validators=[Optional(), Length(max=2000)])
    note_en = TextAreaField(_l("Note (English, optional)"), validators=[Optional(), Length(max=2000)])


def stage_form(site, formdata=None, **defaults) -> StageForm:
    # One form per site on the same page: the prefix keeps field ids unique.
    form = StageForm(formdata=formdata, prefix=f"s{site.id}", **defaults)
    form.stage.choices = [SelectChoice(k, gettext(v)) for k, v in STAGES.items()]
    return form
