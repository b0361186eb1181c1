"""The outcome form: every check happens here, each beside its field, through the rules in
services/outcomes.py; the service then trusts what it is given."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import limits
from ..forms import PortalForm, VersionField
from ..i18n import current_lang
from ..states import OutcomeKind
from ..services import outcomes as rules
from .public_text_check import publish_anyway_field

FIGURE_PREFIX = "figure_"


class OutcomeForm(PortalForm):
    result = SelectField(_l("Outcome"), choices=[])
    note_zh = TextAreaField(_l("What became of it (Chinese)"), validators=[
        DataRequired(message=_l("Please say what became of it, in Chinese.")), limits.NOTE.length()])
    note_en = TextAreaField(_l("What became of it (English, optional)"),
                            validators=[Optional(), limits.NOTE.length()])
    continued_by = StringField(_l("Continued by (plan/code, for carried-over work)"),
                               validators=[Length(max=100)])
    publish_anyway = publish_anyway_field()
    # The fields published as typed, checked for personal data (staff/public_text_check.py).
    public_fields = ("note_zh", "note_en")
    personal_data_found = False

    # When the outcome shown was saved (services/versions.py): a colleague's newer one is not replaced unseen.
    seen = VersionField()
    conflict: str | None = None

    plan = None  # the item's plan, set by outcome_form
    targets: dict = {}

    def validate_continued_by(self, field) -> None:
        carried = self.result.data == OutcomeKind.CARRIED_OVER
        if carried and not (field.data or "").strip():
            raise ValidationError(gettext("Please name the later plan's item that continues this work."))
        if not carried and (field.data or "").strip():
            raise ValidationError(gettext("Only carried-over work is continued by a later item."))
        problem = rules.continuation_problem(field.data, self.plan) if carried else None
        if problem:
            raise ValidationError(gettext(problem))

    def figures(self) -> dict[str, float]:
        """The figures given, as numbers (call after validate())."""
        out = {}
        for key, target in self.targets.items():
            raw = (self[FIGURE_PREFIX + key].data or "").strip()
            if raw:
                out[key] = rules.figure_problem(target, raw)[0]
        return out


def _figure_check(target):
    def check(form, field) -> None:
        if (field.data or "").strip():
            problem = rules.figure_problem(target, field.data)[1]
            if problem:
                raise ValidationError(gettext(problem))
    return check


def outcome_form(plan, item, formdata=None, **defaults) -> OutcomeForm:
    """A form with one figure field per target of the item."""
    lang = current_lang()

    class Form(OutcomeForm):
        pass

    for t in item.targets:
        label = gettext("%(metric)s achieved (target: %(value)s %(unit)s)", metric=t.metric.get(lang),
                        value=t.display_value, unit=t.unit.get(lang))
        setattr(Form, FIGURE_PREFIX + t.key, StringField(label, validators=[Optional(), _figure_check(t)],
                                                         render_kw={"inputmode": "decimal"}))
    form = Form(formdata=formdata, **defaults)
    form.plan, form.targets = plan, {t.key: t for t in item.targets}
    form.result.choices = [SelectChoice(k.value, gettext(rules.LABELS[k])) for k in OutcomeKind]
    return form


def figure_fields(form) -> list:
    return [f for f in form if f.name.startswith(FIGURE_PREFIX)]
