"""What every form of the portal shares: choices from a table of labels, and the staff forms'
answer to a missing or stale CSRF token."""
from __future__ import annotations

from collections.abc import Mapping

from flask import abort
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import SelectChoice


def label_choices(labels: Mapping[str, str]) -> list[SelectChoice]:
    """Choices from {code: English message id}, labels translated when the form is shown. WTForms
    takes SelectChoice objects (tuples are deprecated), so every choice list is built here."""
    return [SelectChoice(code, lazy_gettext(label)) for code, label in labels.items()]


class StaffForm(FlaskForm):
    def validate_on_submit(self, extra_validators=None) -> bool:
        """A form without a valid CSRF token is refused (400), not shown again with the other errors."""
        valid = super().validate_on_submit(extra_validators)
        if "csrf_token" in self.errors:
            abort(400)
        return valid
