"""How much people may type in each kind of field, with the message they read when it is too much.

One home for the forms (``Limit.length()``, a WTForms Length validator, which also renders the
``maxlength``/``minlength`` attributes), the models (``String(Limit.max)``), the spreadsheet checks
(``Limit.problem``) and templates (the ``limits`` global, for hints and character counters). Messages
are English message ids, translated where they are shown."""
from __future__ import annotations

from dataclasses import dataclass

from wtforms.validators import Length, ValidationError

from .i18n import N_


@dataclass(frozen=True)
class Limit:
    max: int
    message: str
    min: int = 0

    def length(self):
        from flask_babel import lazy_gettext

        return _Length(min=self.min or -1, max=self.max, message=lazy_gettext(self.message))

    def problem(self, text: str | None) -> str | None:
        """The message id if the (stripped) text is too long or too short, else None; empty text is
        for the caller to judge (most of these fields are optional)."""
        n = len((text or "").strip())
        return self.message if n and not self.min <= n <= self.max else None


class _Length(Length):
    """WTForms' Length (which also renders maxlength/minlength), with the minimum measured on the text
    without the spaces around it, as the services store it: "  好   " passed a 5-character minimum and
    was stored as one character. The maximum still measures the text as sent, which is never shorter
    than what is stored."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if self.min > 0 and isinstance(field.data, str) and field.data and len(field.data.strip()) < self.min:
            raise ValidationError(self.message)


# Work points and project sites (staff).
NOTE = Limit(2000, N_("Please use at most 2,000 characters."))
SITE_NAME = Limit(200, N_("Please use at most 200 characters."))
BUILDING = Limit(100, N_("Please use at most 100 characters."))

# Comments and their moderation.
COMMENT = Limit(2000, N_("Please write between 5 and 2,000 characters."), min=5)
DISPLAY_NAME = Limit(40, N_("Please use at most 40 characters."))
CONTACT = Limit(120, N_("Please use at most 120 characters."))
FLAG_REASON = Limit(500, N_("Please write between 2 and 500 characters."), min=2)
MODERATION_REASON = Limit(500, N_("Please write between 2 and 500 characters."), min=2)
REPLY = Limit(2000, N_("Please write at most 2,000 characters."))

# Accounts and follow by e-mail.
USERNAME = Limit(64, N_("Please use at most 64 characters."))
EMAIL = Limit(254, N_("Please use at most 254 characters."))
