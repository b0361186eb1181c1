from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from .. import limits
from ..forms import PortalForm, VersionField, label_choices
from ..i18n import N_
from ..inputs import ascii_int
from ..services.auth import MIN_PASSWORD
from ..services.moderation_record import REASONS
from ..states import StaffRole
from .public_text_check import publish_anyway_field


class LoginForm(PortalForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=limits.USERNAME.max)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class CodeForm(PortalForm):
    """The second factor: 6 digits from the authenticator app, or a recovery code."""
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Please type the code.")), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


class EnableFactorForm(CodeForm):
    """Turning the factor on needs the password as well as the new code: with a session alone, whoever held it
    could put the factor on their own phone and lock the owner out (docs/security-sessions.md)."""
    proof = PasswordField(_l("Your current password"), validators=[DataRequired(message=_l("This is required.")),
                                                                   Length(max=256)],
                          render_kw={"autocomplete": "current-password"})


class ProofForm(PortalForm):
    """Fresh proof of who is at the keyboard before the second factor is changed: a session alone
    (left open on a shared PC, or copied) must not be enough."""
    proof = PasswordField(_l("Your password, or the 6 digits your app shows now"), validators=[
        DataRequired(message=_l("Please type your password or the code.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"})


class ReauthForm(PortalForm):
    """The password again before an account is managed (staff/recent_password.py); the code only when the
    account has a second factor (the view removes the field otherwise)."""
    password = PasswordField(_l("Your current password"), validators=[
        DataRequired(message=_l("This is required.")), Length(max=256)], render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Please type the code.")), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


ROLE_LABELS = {StaffRole.MODERATOR: N_("Moderator"), StaffRole.EDITOR: N_("Editor"), StaffRole.ADMIN: N_("Admin")}
_REQUIRED = _l("This is required.")
_REASON = [DataRequired(message=_l("Please give a reason the resident can read.")), limits.MODERATION_REASON.length()]


def _reason_code_field() -> SelectField:
    # Counted (never quoted) on the public moderation record; "other" when a form does not send it.
    return SelectField(_l("Kind of reason (counted on the public moderation record)"), default="other",
                       choices=label_choices(REASONS))


class _ModerationForm(PortalForm):
    # Where to go back to afterwards (the list with its filter); checked before use.
    next = HiddenField()
    # The state the moderator saw: if someone else decided meanwhile, nothing is changed.
    seen = VersionField()
    # The fields published as typed, checked for personal data (staff/public_text_check.py).
    public_fields: tuple[str, ...] = ()
    personal_data_found = False


class ApproveForm(_ModerationForm):
    reply = TextAreaField(_l("Official reply, published with the comment (optional)"),
                          validators=[Optional(), limits.REPLY.length()])
    publish_anyway = publish_anyway_field()
    public_fields = ("reply",)


class RejectForm(_ModerationForm):
    reason = TextAreaField(_l("Reason (the resident sees it on the tracking page)"), validators=_REASON)
    reason_code = _reason_code_field()
    # Shown on the tracking page (feedback/track.html), to whoever has its link: checked as replies are.
    publish_anyway = publish_anyway_field()
    public_fields = ("reason",)


class HideForm(_ModerationForm):
    reason = TextAreaField(_l("Reason for removing it (the resident sees it on the tracking page)"),
                           validators=_REASON)
    reason_code = _reason_code_field()
    publish_anyway = publish_anyway_field()
    public_fields = ("reason",)


class ReplyForm(_ModerationForm):
    reply = TextAreaField(_l("Official reply"), validators=[
        DataRequired(message=_l("Please write the reply.")), limits.REPLY.length()])
    publish_anyway = publish_anyway_field()
    public_fields = ("reply",)


class BulkForm(_ModerationForm):
    seen = None  # many comments at once: each is changed only while still in the queue (services/feedback.py)
    ids = SelectMultipleField(_l("Selected comments"), coerce=ascii_int, validate_choice=False, validators=[
        DataRequired(message=_l("Please tick at least one comment."))])
    action = SelectField(_l("Action"), choices=label_choices({"approve": N_("Approve"), "reject": N_("Reject")}))
    # No Optional(): it would stop the chain before validate_reason, which requires a reason to reject.
    reason = StringField(_l("Reason for rejecting (the residents see it)"), validators=[
        Length(max=limits.MODERATION_REASON.max, message=_l(limits.MODERATION_REASON.message))])
    reason_code = _reason_code_field()
    # Checked only when rejecting (staff/moderation.py): an approval sends the reason nowhere.
    publish_anyway = publish_anyway_field()
    public_fields = ("reason",)

    def validate_reason(self, field):
        if self.action.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Please give a reason the resident can read."))


def _password_pair(label, again_label) -> tuple[PasswordField, PasswordField]:
    """A password and its confirmation; the rules (length) are the ones services/auth.py enforces."""
    return (
        PasswordField(label, validators=[
            DataRequired(message=_REQUIRED),
            Length(min=MIN_PASSWORD, max=256, message=_l("Please use at least %(n)s characters.", n=MIN_PASSWORD))]),
        PasswordField(again_label, validators=[EqualTo("password", message=_l("The two passwords are not the same."))]),
    )


class CreateAccountForm(PortalForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(message=_REQUIRED), limits.USERNAME.length(),
        Regexp(r"^[\w.-]+$", message=_l("Please use only letters, digits, dots, hyphens and underscores, without spaces."))])
    role = SelectField(_l("Role"), choices=label_choices(ROLE_LABELS), default=StaffRole.MODERATOR)
    password, confirm = _password_pair(_l("Initial password"), _l("Initial password again"))


class RoleForm(PortalForm):
    role = SelectField(_l("Role"), choices=label_choices(ROLE_LABELS))


class PasswordForm(PortalForm):
    # Asked (and shown) only when admins change their own password: see accounts._set_password.
    current = PasswordField(_l("Your current password"), validators=[Length(max=256)],
                            render_kw={"autocomplete": "current-password"})
    password, confirm = _password_pair(_l("New password"), _l("New password again"))


class EmptyForm(PortalForm):
    """Only the CSRF token: for buttons such as disable and enable."""
