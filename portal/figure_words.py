"""What reads as one word in the portal's texts and must not break across two lines on a phone: a figure with
the unit or measure word after it ("11万平方米", "30 项", "3号楼", "15分钟"), a date, a tracking code.

Chinese text may break between any two characters, so a 360 px line could end with "11" and the next start
with "万平方米"; templating.unbroken wraps each match of ONE_WORD in a span that does not break, and
tests/test_browser_line_breaks.py checks the pages in a phone-sized browser.

To keep another word with its figure, add it to the group it belongs to below (or a new group, with why).
Order does not matter: the pattern is built once, at import, longest word first (so "号楼" is tried before
"号" and "个月" before "个"). ONE_WORD.pattern is also run by the browser test as a JavaScript RegExp: build
it only from the plain pieces below.
"""
from __future__ import annotations

import re

# Each group: words that follow a figure, with why a reader needs them on the figure's line.
UNITS_AFTER_FIGURES: dict[str, tuple[str, ...]] = {
    # Areas, lengths and volumes of building work ("11万平方米", "3.5公里"): a bare figure means nothing.
    "size": ("平方公里", "平方米", "立方米", "公里", "千米", "米", "公顷", "亩", "m²", "km"),
    # Weights and money ("20吨", "300元").
    "weight and money": ("公斤", "千克", "吨", "元"),
    # Shares ("85%").
    "share": ("%",),
    # Periods and ages ("15分钟生活圈", "3个月", "60岁以上"); dates themselves are matched whole, below.
    "time": ("个月", "分钟", "小时", "年", "月", "日", "天", "周", "岁"),
    # Addresses: a building, floor or flat number ("3号楼", "6层"); "3" alone on a line reads as a count.
    "address": ("号楼", "号", "层", "楼", "栋", "幢", "间", "套", "户", "个小区"),
    # Chinese measure words of counts ("35台", "30 项", "12处", "500人次").
    "count": ("台", "个", "处", "座", "家", "所", "条", "辆", "场", "次", "名", "人", "人次", "棵", "盏", "块", "张",
              "批", "项", "位", "只", "部", "株"),
}

# English nouns counted in the content ("35 lifts", "6 estates", "3.1 kilometres"): English breaks only at
# spaces, and "35" ending a line with "lifts" on the next is the same misreading. Only words the texts use (the
# targets' units and the figures of content/plans/*/items/*.yaml), after a space and with no letter after (the
# same in Python and in the browser test's JavaScript, unlike \b), so that "2023 work points" or "25 and" is
# left alone. Add a plan's new unit here, in both numbers.
ENGLISH_COUNT_NOUNS = (
    "lift", "lifts", "estate", "estates", "place", "places", "zone", "zones", "committee", "committees",
    "project", "projects", "bridge", "bridges", "area", "areas", "module", "modules", "platform", "platforms",
    "room", "rooms", "point", "points", "site", "sites", "consultation", "consultations", "start", "starts",
    "completion", "completions", "kilometre", "kilometres", "square metre", "square metres",
)

# An English count may have words before its noun ("23 older estates", "3 shared e-bike charging places"):
# then the count is kept with the first of them only ("23 older"). "23" alone at a line's end is the misreading;
# a nowrap span of the whole phrase could be wider than a 360 px line in care mode. Lower-case words only (a
# title's "2023 City Management" is no count), up to this many before the noun, and not after a year ("the
# 2023 work points" names the plan). The lookbehind keeps "023 work" from matching inside "2023 work".
WORDS_BEFORE_NOUN = 3

# Written between a figure and its unit ("11万平方米", "2亿元").
LARGE_NUMBER_WORDS = ("万", "亿")


def _alternatives(words) -> str:
    """One regex alternation for `words`: the longer ones first, the one-character ones as a class."""
    words = set(words)
    longer = sorted((w for w in words if len(w) > 1), key=lambda w: (-len(w), w))
    single = "".join(sorted(w for w in words if len(w) == 1))
    parts = [re.escape(w) for w in longer] + ([f"[{re.escape(single)}]"] if single else [])
    return "|".join(parts)


UNITS = _alternatives(w for group in UNITS_AFTER_FIGURES.values() for w in group)
_COUNT_NOUN = rf"(?:{_alternatives(ENGLISH_COUNT_NOUNS)})(?![A-Za-z])"

# Dates come first: at the same place the first alternative wins, and "2023年6月21日" must not be taken as
# "2023年" and two more words. The lookahead lets the engine skip to a digit or Z before trying any
# alternative: without it the pattern took 2.4 times as long (the items' texts, bench in the commit history).
# U+2060 is the word joiner that i18n.counts_kept_with_their_words puts in interface messages ("5\u2060项"): read
# as one word too, so that the browser test checks those.
ONE_WORD = re.compile(
    r"(?=[\dZ])(?:"
    r"\d{4}-\d{2}-\d{2}"                     # 2023-06-21
    r"|(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?"  # 2023年6月21日, 6月21日, 12月
    r"|ZJ-[0-9A-Z]{10}"                      # a comment's tracking code
    rf"|\d[\d,.]*[\s\u2060]?(?:{_alternatives(LARGE_NUMBER_WORDS)})?[\s\u2060]?(?:{UNITS})"  # 11万平方米, 30 项, 3号楼
    rf"|\d[\d,.]*\s(?:{_COUNT_NOUN})"  # 35 lifts, 3.1 kilometres
    rf"|(?<![\d,.])(?!(?:19|20)\d\d\s)\d[\d,.]*\s[a-z][a-z-]*(?=(?:\s[a-z][a-z-]*){{0,{WORDS_BEFORE_NOUN - 1}}}\s(?:{_COUNT_NOUN}))"  # 23 older (estates)
    r")")
