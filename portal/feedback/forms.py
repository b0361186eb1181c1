import hashlib

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from .. import limits
from ..forms import label_choices
from ..same_origin import ResidentForm
from ..services.feedback import KINDS, has_letters_or_digits, normalize_newlines, valid_contact


class FeedbackForm(ResidentForm):
    body = TextAreaField(_l("Your comment"), filters=[normalize_newlines], validators=[
        DataRequired(message=_l("Please write your comment.")), limits.COMMENT.length()])
    kind = SelectField(_l("What kind of comment is it?"), choices=label_choices(KINDS),
                       default="suggestion", validate_choice=True)
    place = SelectField(_l("Which place is it about?"), choices=[], default="", validate_choice=True)
    display_name = StringField(_l("Your name (optional)"), validators=[
        Optional(), limits.DISPLAY_NAME.length()])
    show_full_name = BooleanField(_l("Show my name in full"))
    # One field takes a phone number or an e-mail address, so neither type="tel" nor type="email" fits.
    # inputmode="email" opens a keyboard with @ and "." that still reaches digits (a phone keypad has no
    # letters, so inputmode="tel" would shut out e-mail); autocomplete="tel" because most residents leave
    # a mobile number, which the browser can then fill in with one tap.
    contact = StringField(_l("Phone or e-mail (optional, never published)"), render_kw={
        "inputmode": "email", "autocomplete": "tel", "autocapitalize": "off", "spellcheck": "false"}, validators=[
        Optional(), limits.CONTACT.length()])
    # Shown only when follow by e-mail is on (PORTAL_SMTP_HOST); uses the e-mail address in `contact`.
    notify_reply = BooleanField(_l("E-mail me when my comment is answered"))
    # Which work point the form was built for (item_fingerprint): a corrected notice may renumber the plan
    # while a resident writes, and the number in the form's address then names another work point.
    about = HiddenField()
    # A field people never see; automated senders fill it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])

    def validate_body(self, field):
        if field.data and not has_letters_or_digits(field.data):
            raise ValidationError(_l("Please say what you mean in words or numbers; a comment of only emoji or punctuation cannot be read by staff."))

    def validate_contact(self, field):
        if field.data and not valid_contact(field.data):
            raise ValidationError(_l("Please give a phone number or an e-mail address, or leave this empty."))


    def validate_notify_reply(self, field):
        from ..services import mail
        from ..services.follow import normalise_email

        # Without mail the box is not on the page (nor its error): one sent from a page built before mail was
        # switched off is ignored by the route, so it must not hold the comment back either.
        if field.data and mail.enabled() and not normalise_email(self.contact.data):
            raise ValidationError(_l("Please give your e-mail address above to be told when your comment is answered."))


class FlagForm(ResidentForm):
    reason = StringField(_l("Why should staff look at this comment again?"), validators=[
        DataRequired(message=_l("Please give a reason.")), limits.FLAG_REASON.length()])


def item_fingerprint(item) -> str:
    """The work point as the notice words it, in its plan: what a number named when the form was built."""
    return hashlib.sha256(f"{item.plan}\0{item.official_text}".encode()).hexdigest()[:16]


def feedback_form(store, item, formdata=None) -> FeedbackForm:
    from flask_babel import gettext as _

    form = FeedbackForm(formdata=formdata) if formdata is not None else FeedbackForm()
    if formdata is None:
        form.about.data = item_fingerprint(item)
    lang_places = [(p.slug, p.name) for p in (item.places or ())]
    others = [(p.slug, p.name) for p in store.places if p not in (item.places or ())]
    from ..i18n import current_lang

    lang = current_lang()
    form.place.choices = [SelectChoice("", _("Whole town"))] + [SelectChoice(slug, name.get(lang))
                                                               for slug, name in lang_places + others]
    return form
