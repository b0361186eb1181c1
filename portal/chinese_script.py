"""Whether Chinese text is written in Simplified or Traditional characters, for its `lang` attribute
(zh-Hans, zh-Hant): a screen reader picks its voice and a browser its font by it.

Read from OpenCC's own character tables (the search already depends on OpenCC, search/analysis.py), the way
hanzidentifier reads CC-CEDICT: a character whose Simplified forms never include itself is written in
Traditional text only (後, 發, 裡), one whose Traditional forms never include itself in Simplified text only
(后, 发, 里). Most characters are both (大, 家, 乾): a text of those alone cannot be told.
"""
from __future__ import annotations

from pathlib import Path


def _only_in_one_script(table: str) -> frozenset[str]:
    """The characters of an OpenCC table (character, tab, its forms in the other script) that are not
    among their own forms."""
    import opencc

    out = set()
    for line in (Path(opencc.__file__).parent / "dictionary" / table).read_text(encoding="utf-8").splitlines():
        char, _, forms = line.partition("\t")
        if len(char) == 1 and char not in forms.split(" "):
            out.add(char)
    return frozenset(out)


# Read at import (about 8,000 lines, 3 ms), so gunicorn's master holds them once for all its workers: read on
# first use, each worker kept its own copy (about 1 MB) and the workers are near their memory ceiling.
TRADITIONAL_ONLY = _only_in_one_script("TSCharacters.txt")
SIMPLIFIED_ONLY = _only_in_one_script("STCharacters.txt")


def script_of(text: str) -> str | None:
    """"Hant" or "Hans" when the text holds characters of that script only, else None: neither (too
    short or only shared characters) or both (a quotation, a name written the other way)."""
    chars = set(text)
    trad, simp = not TRADITIONAL_ONLY.isdisjoint(chars), not SIMPLIFIED_ONLY.isdisjoint(chars)
    if trad and not simp:
        return "Hant"
    if simp and not trad:
        return "Hans"
    return None
