"""The errors services raise, one type per kind, so that views and the CLI handle each kind one way."""
from __future__ import annotations

from flask_babel import gettext


class InvalidInput(ValueError):
    """Input that breaks a rule; ``errors`` maps a form field name (``progress_<key>`` for a target) to an
    English message id."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotAllowed(ValueError):
    """An action the rules do not allow, or not now (a weak password, approving a comment another
    moderator has just rejected). ``message`` is an English message id and ``params`` fill it in; a
    param that must be translated too is given as a lazy string. The CLI prints ``str(exc)``."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

    def translated(self) -> str:
        return gettext(self.message, **self.params)
