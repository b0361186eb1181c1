"""A short passage of a work point's text around the query's words, cut where a reader would cut.

Chinese passages start after and end on punctuation (，。；：！？…), English ones start and end
between words: a snippet never opens or closes on half a word or half a phrase.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from ..templating import ONE_WORD, kept_together, unbroken
from .analysis import HAS_CJK_RE, normalize

ZH_STOPS = "，。；：！？、…）)】》”"
WIDTH = 90


def boundaries(text: str) -> list[int]:
    """Where a snippet may start or end: after Chinese punctuation, or between English words."""
    cuts = {0, len(text)}
    if HAS_CJK_RE.search(text):
        cuts.update(i + 1 for i, ch in enumerate(text) if ch in ZH_STOPS)
    else:
        cuts.update(m.end() for m in re.finditer(r"\s+", text))
    return sorted(cuts)


@lru_cache(maxsize=8192)
def _cuts(text: str) -> tuple[int, ...]:
    # Item texts never change while the process runs: their boundaries are found once.
    return tuple(boundaries(text))


def window(text: str, first: int, last: int, width: int = WIDTH) -> tuple[int, int]:
    """Start and end, both boundaries, holding [first, last) when it fits in about `width`."""
    cuts = _cuts(text)  # sorted, 0 and len(text) among them
    before = bisect_right(cuts, first)  # cuts[:before] are at or before the first word
    near = bisect_left(cuts, first - width // 2, 0, before)  # cuts[near:before] within half a width of it
    start = cuts[near] if near < before else cuts[before - 1]
    after = bisect_left(cuts, max(start + 1, min(last, len(text))))  # cuts[after:] hold the marked words
    fits = bisect_right(cuts, start + width)  # cuts[after:fits] also keep within the width
    return start, cuts[fits - 1] if fits > after else cuts[after]


# Item texts never change while the process runs; converting them (OpenCC) was a quarter of a query.
_normalized = lru_cache(maxsize=8192)(normalize)


def _found(low: str, terms: list[str]) -> dict[str, int]:
    """Where each term first occurs in `low`, for the terms that occur, in the terms' order."""
    at = {}
    for term in dict.fromkeys(terms):
        if term and (i := low.find(term)) >= 0:
            at[term] = i
    return at


def snippet(item, terms: list[str], lang: str, width: int = WIDTH) -> Markup:
    """A short passage of the plain summary (or the official text) with the query's words marked."""
    text = (item.summary.en if lang == "en" else item.summary.zh) or item.official_text
    at = _found(_normalized(text), terms)
    if not at and lang == "en":
        text = item.official_text
        at = _found(_normalized(text), terms)
    return _passage(text, tuple(sorted(at)), width)


# A work point's passage depends on which of the query's words its text holds, not on the rest: two-word
# queries never asked before mostly find, in each hit, a set of words some earlier query found there too.
# Keyed on the text itself (texts never change while the process runs), so nothing stale can be shown.
@lru_cache(maxsize=1024)  # 12,000 fresh two-word queries made 361; at most about 1 MB
def _passage(text: str, found: tuple[str, ...], width: int) -> Markup:
    low = _normalized(text)
    at = {term: low.find(term) for term in found}
    first = min(at.values(), default=0)
    last = max((i + len(t) for t, i in at.items() if i == first), default=0)
    start, end = window(text, first, last, width)
    piece = text[start:end].strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    if len(low) != len(text):  # normalisation changed lengths: show without marks
        return unbroken(prefix + piece + suffix)
    offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
    # Every piece of the text is escaped in _marked; the ellipses need no escaping.
    return Markup(prefix + _marked(piece, low[offset:offset + len(piece)], at) + suffix)  # nosec B704


def _marked(piece: str, low_piece: str, found: Iterable[str]) -> str:
    """`piece`, escaped, with every occurrence of the found terms marked; overlapping or touching ones as one,
    and figures and dates kept on one line, also where a mark covers or cuts one ("<mark>12</mark>月")."""
    marks: list[list[int]] = []
    done = 0
    for start, end in sorted(span for t in found for span in _occurrences(low_piece, t)):
        if start > done or not marks:
            marks.append([start, end])
        marks[-1][1] = max(marks[-1][1], end)
        done = marks[-1][1]
    if not marks:
        return str(unbroken(piece))
    # Stretches kept on one line: each figure (one search of the piece, as unbroken does), joined with the
    # marks that overlap it; a mark that overlaps no figure is a stretch of its own.
    stretches: list[list] = []  # [start, end, marks in it, holds a figure]
    figures = [(*m.span(), None) for m in ONE_WORD.finditer(piece)]
    for start, end, mark in sorted(figures + [(start, end, (start, end)) for start, end in marks], key=lambda s: s[:2]):
        if stretches and start < stretches[-1][1]:
            last = stretches[-1]
            last[1] = max(last[1], end)
        else:
            last = [start, end, [], False]
            stretches.append(last)
        if mark:
            last[2].append(mark)
        else:
            last[3] = True
    parts, i = [], 0
    for start, end, inside, figure in stretches:
        parts.append(escape(piece[i:start]))
        shown, at = [], start
        for m_start, m_end in inside:
            shown.append(f"{escape(piece[at:m_start])}<mark>{escape(piece[m_start:m_end])}</mark>")
            at = m_end
        shown.append(escape(piece[at:end]))
        parts.append(kept_together("".join(shown)) if figure else "".join(shown))
        i = end
    parts.append(escape(piece[i:]))
    return "".join(parts)


def _occurrences(text: str, term: str) -> list[tuple[int, int]]:
    """Where `term` occurs in `text`, left to right without overlaps (as re.finditer finds it): a new
    query's words would each compile a pattern, a third of a snippet's time."""
    spans, at = [], text.find(term) if term else -1
    while at >= 0:
        spans.append((at, at + len(term)))
        at = text.find(term, at + len(term))
    return spans
