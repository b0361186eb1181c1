"""The one form of a staff username that names are compared and counted by.

Two spellings a person reads as the same name must be the same account: "Müller" and "MÜLLER",
full-width "ｚｈａｎｇ" and "zhang". SQL lower() cannot decide that (SQLite folds ASCII only), so
the key is computed here, stored in staff_user.username_key and compared there; the name as typed
stays in staff_user.username for display.
"""
from __future__ import annotations

import unicodedata

from .limits import USERNAME

# NFKC and casefold can lengthen a name (one "ﷺ" becomes 18 characters); a longer key is refused.
USERNAME_KEY_MAX = 4 * USERNAME.max


def username_key(username: str) -> str:
    # NFKC first, so a full-width or compatibility letter becomes the letter casefold knows; NFKC
    # again after casefold, whose output (e.g. of "ǰ") need not be normalised.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())
    return folded.strip()
