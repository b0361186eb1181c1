"""Password strength: zxcvbn's estimate of how many guesses a password takes, and no username inside.

Length rules alone pass "password1234" and "zhangjiang2023"; zxcvbn knows common passwords, names,
dates, keyboard patterns and l33t spellings, so the rule is a score, not a character recipe.
"""
from __future__ import annotations

from ..i18n import N_
from ..usernames import username_key

# Words anyone guessing a password for this site tries first (the town, the district, the city).
SITE_WORDS = ["zhangjiang", "pudong", "shanghai", "zjzf", "gongzuo", "yaodian"]
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable" against an online attack with throttling
ADVICE = N_("This password is too easy to guess. Choose three or four unrelated words, or a long sentence only you would think of, and leave out your username, names, dates and keyboard patterns such as 123456 or qwerty.")
HAS_USERNAME = N_("The password must not contain the username. Choose three or four unrelated words, or a long sentence only you would think of.")


def weakness(password: str, username: str = "") -> str | None:
    """None for a good password, else the English message id that says how to choose a better one."""
    name = username_key(username)
    if name and name in username_key(password):
        return HAS_USERNAME
    # Imported here: its word lists take 12 MB, which only a worker that judges a password should pay.
    from zxcvbn import zxcvbn

    # zxcvbn's cost grows with length; beyond 100 characters only the first 100 are judged.
    if zxcvbn(password[:100], user_inputs=[*SITE_WORDS, name] if name else SITE_WORDS)["score"] < MIN_SCORE:
        return ADVICE
    return None
