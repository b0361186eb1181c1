"""What every form of the portal shares: control characters taken out of what was typed and line breaks
counted as the browser counts them, choices from a table of labels, and the staff forms' answer to a
missing or stale CSRF token."""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask import abort, request
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # the "read the request" default of FlaskForm(formdata=...)
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import HiddenField, SelectChoice

from .inputs import visible_text


def label_choices(labels: Mapping[str, str]) -> list[SelectChoice]:
    """Choices from {code: English message id}, labels translated when the form is shown. WTForms
    takes SelectChoice objects (tuples are deprecated), so every choice list is built here."""
    return [SelectChoice(code, lazy_gettext(label)) for code, label in labels.items()]


# Control characters (tab, line feed and carriage return aside): never meant, invisible on the page, and a NUL
# is refused by PostgreSQL, which turned a resident's whole comment into an error page.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(value):
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def one_newline(value):
    """Browsers count a line break as one character against maxlength but send CR LF: as two, text the
    browser let through was refused as too long."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def as_posted_to_forms(value):
    """A posted value as every form's fields receive it (PortalForm): without control characters, line breaks
    as the browser counted them."""
    return one_newline(without_control_characters(value))


def posted_field(name: str) -> str:
    """One field of the posted form as the portal's forms read it, for code that reads it beside its form: the
    login throttle must count the name the login looks up (alice with a control character in it is alice),
    or each such spelling is a fresh bucket of guesses."""
    return as_posted_to_forms(request.form.get(name) or "")


class PortalForm(FlaskForm):
    """Every form of the portal (tests/test_feedback_bad_inputs.py checks they all derive from it): what was
    posted reaches the fields without control characters, before their own filters and validators."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and form.is_submitted():
                # What an HTML form posts, and only that. Flask-WTF reads a JSON body in place of form fields that
                # were not sent: numbers, lists and objects reached fields that expect text (a 500), and the login
                # limits, which read the form fields (staff/throttle.py), did not count the name it held.
                formdata = CombinedMultiDict((request.files, request.form)) if request.files else request.form
            posted = super().wrap_formdata(form, formdata)
            if posted is None:
                return None
            return MultiDict([(name, as_posted_to_forms(value)) for name, value in posted.items(multi=True)])

    def validate_on_submit(self, extra_validators=None) -> bool:
        """A form with a version field posted without it is refused (400): see VersionField."""
        if self.is_submitted() and any(isinstance(f, VersionField) and not f.raw_data for f in self):
            abort(400, description=gettext("This form was sent without the version of the record it changes, so "
                                           "nothing was saved. Please reload the page and send it again."))
        return super().validate_on_submit(extra_validators)

    # True once what was typed before the session or the form expired has been put back (staff/drafts.py):
    # the page says so above the form.
    restored = False

    def put_back(self, kept: MultiDict) -> bool:
        """Fills the fields named in `kept` (a draft of this form) as if they had been posted, the hidden
        version `seen` included: sending it again is checked against the record as it was then. The
        CSRF token stays this page's own. True when typed text was put back."""
        fields = [f for f in self if f.name in kept and f.name.rpartition("-")[2] != "csrf_token"]
        if not any(f.name.rpartition("-")[2] in TYPED_TEXT_FIELDS and kept[f.name].strip() for f in fields):
            return False
        cleaned = self.meta.wrap_formdata(self, kept)
        for f in fields:
            f.process(cleaned, data=f.data)
        self.restored = True
        return True


class VersionField(HiddenField):
    """The version of the record a staff form changes, as its page showed it (services/versions.py): a
    change saved meanwhile by someone else is then not overwritten unseen. Every page that shows such a
    form fills it, so a post without it (a script, a hand-made form) is refused rather than saved unchecked."""


class StaffForm(PortalForm):
    def validate_on_submit(self, extra_validators=None) -> bool:
        """A form without a valid CSRF token is refused (400), not shown again with the other errors."""
        valid = super().validate_on_submit(extra_validators)
        if "csrf_token" in self.errors:
            abort(400)
        return valid


# The free-text fields of the staff forms (a per-form prefix aside): what takes long to type.
TYPED_TEXT_FIELDS = ("note_zh", "note_en", "reply", "reason", "name_zh", "name_en", "building")


# What residents write at length: a comment and a report's reason. Their name and contact are left out: the
# page that shows the text back is for copying what took time to write, not for repeating private details.
RESIDENT_TEXT_FIELDS = ("body", "reason")


def typed_text(fields: tuple[str, ...] = TYPED_TEXT_FIELDS) -> list[str]:
    """The text typed into a form that cannot be taken. A staff form's (the session or the form expired while
    it was written) is kept as a draft and put back into the form once the staff member is back on its
    page (staff/drafts.py); it is also shown on the page that answers the request, in case the draft
    cannot be used (too large, no page to go back to, or another browser). A resident's form refused as
    sent from another site (same_origin.py) is only shown back, never stored."""
    if request.method != "POST":
        return []
    return [visible_text(value) for name, value in request.form.items(multi=True)
            if name.rpartition("-")[2] in fields and value.strip()]
