"""Forms for publishing a work point's status and progress and for its project sites: the one place
staff input is checked. Each field's validators call the domain rules in portal/rules (shared with the
spreadsheet checks), so a valid form's typed values go straight to the services. Dates and numbers are
plain text fields so the rules' messages, not WTForms' own, are what staff read."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, StopValidation, ValidationError

from .. import limits
from ..forms import StaffForm, VersionField, label_choices
from ..i18n import current_lang
from ..rules import records
from ..rules.dates import day_problem, parse_day
from ..rules.progress import DERIVED, NO_TARGET, OVER_TARGET, figure_problem, needs_confirming, parse_number
from ..services.clock import today
from ..services.sites import STAGES
from ..services.status import STATUSES
from .public_text_check import publish_anyway_field

PROGRESS_PREFIX = "progress_"


def rule(problem_of):
    """A WTForms validator from a rule: problem_of(field data) -> English message id or None."""
    def validate(form, field):
        problem = problem_of(field.data)
        if problem:
            raise ValidationError(gettext(problem))
    return validate


def one_of(codes, message: str):
    return rule(lambda value: None if value in codes else message)


class DayField(StringField):
    """A date typed as YYYY-MM-DD (type="date" in browsers); ``day`` is the date, or None."""

    def __init__(self, label, **kwargs):
        super().__init__(label, render_kw={"type": "date"}, validators=[
            DataRequired(message=_l("Please give the date as YYYY-MM-DD.")),
            rule(lambda raw: day_problem(parse_day(raw), today()))], **kwargs)

    @property
    def day(self):
        return parse_day(self.data)


def _note(label, required: str | None = None) -> TextAreaField:
    first = DataRequired(message=_l(required)) if required else Optional()
    return TextAreaField(label, validators=[first, limits.NOTE.length()])


class _SeenForm(StaffForm):
    # The version of the record the form was built from (services/versions.py); kept through
    # errors and the preview, so a colleague's newer work is never published over unseen.
    seen = VersionField()
    conflict: str | None = None  # set by the view when `seen` was older than the record
    # The fields published as typed, checked for personal data (staff/public_text_check.py).
    public_fields: tuple[str, ...] = ()
    personal_data_found = False
    publish_anyway = publish_anyway_field()


class ItemUpdateForm(_SeenForm):
    status = SelectField(_l("Status"), choices=[], validate_choice=False,
                         validators=[one_of(STATUSES, records.NO_STATUS)])
    note_zh = _note(_l("What changed (Chinese)"), required=records.NO_NOTE)
    note_en = _note(_l("What changed (English, optional)"))
    happened_on = DayField(_l("Date it happened"))
    confirm_over = BooleanField(_l("Yes, the figures above the target are right"))
    public_fields = ("note_zh", "note_en")
    # Set by validate(): errors without a field of their own, and whether figures above the target were sent.
    loose_errors: list[str] = []
    over_target = False

    def progress_inputs(self) -> list:
        return [f for f in self if f.name.startswith(PROGRESS_PREFIX)]

    def values(self) -> dict[str, float]:
        """The reported figures, by target key (empty fields left out)."""
        return {f.name[len(PROGRESS_PREFIX):]: parse_number(f.data) for f in self.progress_inputs() if f.data}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.loose_errors = [gettext(m) for m in self._unknown_progress()]
        self.over_target = valid and self._ask_over_target()
        return valid and not self.loose_errors and not (self.over_target and not self.confirm_over.data)

    def _unknown_progress(self) -> list[str]:
        """Figures sent for targets without a field here: no such target, or one counted from sites."""
        sent = {k[len(PROGRESS_PREFIX):] for k in (self.meta.sent or {}) if k.startswith(PROGRESS_PREFIX)}
        unknown = sent - {f.name[len(PROGRESS_PREFIX):] for f in self.progress_inputs()}
        return [DERIVED if key in self.meta.derived else NO_TARGET for key in sorted(unknown)]

    def _ask_over_target(self) -> bool:
        over = [f for f in self.progress_inputs() if f.data and needs_confirming(f.target, parse_number(f.data))]
        if not self.confirm_over.data:
            for f in over:
                f.errors = [*f.errors, gettext(OVER_TARGET)]
        return bool(over)


class ProgressField(StringField):
    def __init__(self, label, target, **kwargs):
        super().__init__(label, render_kw={"inputmode": "decimal"}, filters=[_strip],
                         validators=[Optional(), rule(lambda raw: figure_problem(target, raw))], **kwargs)
        self.target = target


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def update_form(item, derived: set[str], formdata=None, **defaults) -> ItemUpdateForm:
    """A form with one progress field per target that staff type in (targets counted from sites have none)."""
    lang = current_lang()

    class Form(ItemUpdateForm):
        pass

    for t in item.targets:
        if t.key not in derived:
            label = gettext("%(metric)s (target: %(value)s %(unit)s)", metric=t.metric.get(lang),
                            value=t.display_value, unit=t.unit.get(lang))
            setattr(Form, PROGRESS_PREFIX + t.key, ProgressField(label, t))
    form = Form(formdata=formdata, meta={"sent": formdata, "derived": derived}, **defaults)
    form.status.choices = label_choices(STATUSES)
    return form


class SiteForm(_SeenForm):
    name_zh = StringField(_l("Name (Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l(records.NO_NAME)), limits.SITE_NAME.length()])
    name_en = StringField(_l("Name (English, optional)"), filters=[_strip],
                          validators=[Optional(), limits.SITE_NAME.length()])
    target_key = SelectField(_l("Counts towards target"), choices=[], validate_choice=False)
    place_slug = SelectField(_l("Place"), choices=[], validate_choice=False)
    building = StringField(_l("Building (optional)"), filters=[_strip],
                           validators=[Optional(), limits.BUILDING.length()])
    stage = SelectField(_l("Stage"), choices=[], validate_choice=False,
                        validators=[one_of(STAGES, records.UNKNOWN_STAGE)])
    happened_on = DayField(_l("Date of this stage"))
    note_zh = _note(_l("Note (Chinese, optional)"))
    public_fields = ("name_zh", "name_en", "building", "note_zh")

    def validate_target_key(self, field):
        _known_choice(field, NO_TARGET)

    def validate_place_slug(self, field):
        _known_choice(field, records.UNKNOWN_PLACE)


def _known_choice(field, message: str) -> None:
    """An optional choice ("" = none) that must be one of those offered."""
    if not field.data:
        raise StopValidation()
    if field.data not in {c.value for c in field.choices}:
        raise ValidationError(gettext(message))


def site_form(item, store, formdata=None, **defaults) -> SiteForm:
    lang = current_lang()
    form = SiteForm(formdata=formdata, prefix="site", **defaults)
    form.target_key.choices = [SelectChoice("", gettext("None"))] + [SelectChoice(t.key, t.metric.get(lang))
                                                                     for t in item.targets]
    form.place_slug.choices = [SelectChoice("", gettext("Not one of the listed places"))] + [
        SelectChoice(p.slug, p.name.get(lang)) for p in store.places]
    form.stage.choices = label_choices(STAGES)
    return form


class StageForm(_SeenForm):
    stage = SelectField(_l("New stage"), choices=[], validate_choice=False,
                        validators=[one_of(STAGES, records.UNKNOWN_STAGE)])
    happened_on = DayField(_l("Date it happened"))
    note_zh = _note(_l("Note (Chinese, optional)"))
    note_en = _note(_l("Note (English, optional)"))
    public_fields = ("note_zh", "note_en")


def stage_form(site, formdata=None, **defaults) -> StageForm:
    # One form per site on the same page: the prefix keeps field ids unique.
    form = StageForm(formdata=formdata, prefix=f"s{site.id}", **defaults)
    form.stage.choices = label_choices(STAGES)
    return form
