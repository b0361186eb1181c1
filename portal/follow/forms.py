from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from .. import limits
from ..same_origin import ResidentForm
from ..services.follow import KINDS, normalise_email


class FollowForm(ResidentForm):
    email = StringField(_l("Your e-mail address"), validators=[
        DataRequired(message=_l("Please give your e-mail address.")),
        limits.EMAIL.length()])
    kind = HiddenField(validators=[DataRequired()])
    key = HiddenField(validators=[DataRequired(), Length(max=64)])

    def validate_email(self, field):
        if field.data and normalise_email(field.data) is None:
            raise ValidationError(_l("This does not look like an e-mail address, such as name@example.com."))

    def validate_kind(self, field):
        if field.data not in KINDS or field.data == "comment":
            raise ValidationError("unknown kind")


class ButtonForm(ResidentForm):
    """A form that is only a button."""
