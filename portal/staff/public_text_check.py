"""The staff forms' side of services/public_text.py: a warning beside each public field holding personal data,
and the form sent back (with what was typed) until it is changed or "Publish anyway" is ticked."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from ..services import public_text


def publish_anyway_field() -> BooleanField:
    return BooleanField(_l("Publish anyway: I have checked it is meant to be public"))


def held_back(form, contacts: Iterable[str | None] = ()) -> tuple[bool, dict]:
    """Checks the fields the form names in `public_fields`. Returns (held, found): `held` when the form must
    come back because something was found and the box is not ticked (each field then carries its warning);
    `found` for the audit of publishing anyway."""
    found = public_text.check({name: form[name].data for name in form.public_fields}, contacts)
    form.personal_data_found = bool(found)
    if not found or form.publish_anyway.data:
        return False, found
    for name, items in found.items():
        form[name].errors = [*form[name].errors, public_text.warning(items, name)]
    return True, found
