from flask import g
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from .. import limits
from ..same_origin import ResidentForm
from ..services.follow import KINDS, normalise_email, thing_name


class FollowForm(ResidentForm):
    email = StringField(_l("Your e-mail address"), validators=[
        DataRequired(message=_l("Please give your e-mail address.")),
        limits.EMAIL.length()])
    kind = HiddenField(validators=[DataRequired()])
    key = HiddenField(validators=[DataRequired(), Length(max=64)])

    def validate_email(self, field):
        if field.data and normalise_email(field.data) is None:
            raise ValidationError(_l("This does not look like an e-mail address, such as name@example.com."))

    # What is followed, as the mails name it; set once the kind and key name something that exists.
    followed_name: str | None = None

    def validate_kind(self, field):
        if field.data not in KINDS or field.data == "comment":
            raise ValidationError("unknown kind")

    def validate_key(self, field):
        """A key that names nothing (a site deleted, a work point renumbered while its page was open) is the
        key's error: the page then says this cannot be followed, never that the address is wrong."""
        if not self.kind.errors:
            self.followed_name = thing_name(self.kind.data, field.data, g.lang)
        if self.followed_name is None:
            raise ValidationError("nothing to follow")


class ButtonForm(ResidentForm):
    """A form that is only a button."""
