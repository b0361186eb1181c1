"""Nothing on a public page is invented: the plain-language text of a work point states no figure, date or
place that the notice does not hold.

One check for every plan folder, called by `flask plans check`, by publishing (the importer) and by
load-content (which only warns), and by the tests. It reads a loaded plan (ContentStore), so it sees the
text exactly as the site will show it. What no rule can judge (is a sentence true to the notice?) is
left to the reviewer; the rules here are deliberately lenient so that a clean text never fails.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext

from .cn_numerals import CN_DIGITS, CN_LARGE, CN_UNITS, cn_value
from .store import ContentStore, Item

_CN_RUN = re.compile(f"[{''.join(CN_DIGITS)}{''.join(CN_UNITS)}{''.join(CN_LARGE)}]+")
# A run of Chinese numerals counts as a figure only before a measure word, a unit or a date word: 一 and
# 十 are also ordinary characters (统一, 进一步, 十分), and those are not figures.
_CN_COUNTED = re.compile(
    r"(?:个|家|台|处|户|条|座|所|项|名|人|次|批|类|级|辆|栋|幢|间|套|部|支|只|片|公里|千米|米|平方米|亩|元|倍|成|%|％"
    r"|年|月|日|号|天|周|小时|分钟)")
# Arabic figures; commas only as thousands separators (110,000), so "1,2" stays two figures.
_ARABIC = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?(?:%|年|月|日)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_WIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")
# English month names are dates; "May" only next to a day or a year, since it is also a verb.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTH_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b(?:\s+(\d{1,2})\b)?,?(\s+\d{4})?")
# English cardinals: "thirty-five", "one hundred and ten", "a dozen". Ordinals ("twenty-first") are not
# counts, so a run followed by one is not read.
EN_WORDS = {w: n for n, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split(), 1)}
EN_WORDS |= {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
EN_MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000}
_EN_WORD = "|".join(list(EN_WORDS) + list(EN_MULTIPLIERS))
_EN_RUN = re.compile(
    rf"\b(?:a\s+(?=(?:dozen|hundred|thousand)\b))?(?:{_EN_WORD})(?:(?:-|\s+(?:and\s+)?)(?:{_EN_WORD}))*\b"
    r"(?!-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b)", re.IGNORECASE)
_EN_TOKEN = re.compile(rf"\b(?:a|and|{_EN_WORD})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    written: str  # as the writer wrote it: "50", "500万", "2024年", "March"
    value: float


@dataclass(frozen=True)
class HonestyProblem:
    plan: str
    code: str  # the work point
    file: str  # content/plans/<slug>/items/<code>.yaml
    field: str  # summary.zh, title.en, targets.0.value, places.1 …
    figure: str
    why: str  # worded when found: found and shown by the same command or page, in its language

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.why}"


def _normal(text: str) -> str:
    """Full-width digits, ． and ％ as ASCII, thousands separators dropped. (Not NFKC: it would read m² as m2.)"""
    return _THOUSANDS.sub("", text.translate(_WIDTH))


def _en_joins(prev: str | None, word: str, total: int, section: int) -> bool:
    """Does `word` go on the number read so far? "twenty" takes "five" and "hundred" takes "and ten", but
    "five six" is two numbers."""
    if prev is None or prev == "dozen" or word in EN_MULTIPLIERS and prev == "and":
        return False
    if word == "thousand":
        return not total and prev != "thousand"
    if word in EN_MULTIPLIERS:
        return prev not in EN_MULTIPLIERS and section < 100
    if prev in ("hundred", "thousand", "and"):
        return True
    tens = EN_WORDS.get(prev, 0)
    return tens >= 20 and tens % 10 == 0 and EN_WORDS[word] < 10


def _en_numbers(run: str) -> list[tuple[str, int]]:
    """A run of English number words as the numbers it says, each as written: "one hundred and ten" → 110."""
    out: list[tuple[str, int]] = []
    prev, start, total, section = None, 0, 0, 0
    for m in _EN_TOKEN.finditer(run):
        word = m.group(0).lower()
        if word == "and":
            # British "one hundred and ten"; elsewhere "and" ends a number: "thirty-five and twenty" is two.
            prev = "and" if prev in ("hundred", "thousand") else None
            continue
        new = not _en_joins(prev, word, total, section)
        if new:
            start, total, section = m.start(), 0, 0
        if word == "thousand":
            total, section = (section or 1) * 1000, 0
        elif word in EN_MULTIPLIERS:
            section = (section or 1) * EN_MULTIPLIERS[word]
        else:
            section += EN_WORDS.get(word, 1)  # "a" of "a hundred"
        number = (run[start:m.end()], total + section)
        if new:
            out.append(number)
        else:
            out[-1] = number
        prev = word
    return out


def figures_in(text: str) -> list[Figure]:
    """The figures a text states: 35, 3.1, 95%, 11万 and 1.1万 (both 110,000… and 11,000), 110,000,
    三十五个, 二〇二三年, English number words (thirty-five, one hundred and ten) and English month names
    (a date)."""
    text = _normal(text)
    found = [Figure(m.group(0).strip(), round(float(m.group(1)) * (CN_LARGE[m.group(2)] if m.group(2) else 1), 6))
             for m in _ARABIC.finditer(text)]
    for m in _CN_RUN.finditer(text):
        run = m.group(0)
        if m.start() and (text[m.start() - 1].isdigit() or text[m.start() - 1] == "."):
            continue  # the 万 of 500万, already read with its digits
        if run == "一" and not re.match(r"[月日]", text[m.end():m.end() + 1]):
            continue  # 一项, 一步: the article "a", not a figure; 一月 is a date
        if _CN_COUNTED.match(text, m.end()) or run[-1] in CN_LARGE and len(run) > 1:
            value = cn_value(m.group(0))
            if value is not None:
                found.append(Figure(run, value))
    for m in _EN_RUN.finditer(text):
        for written, value in _en_numbers(m.group(0)):
            if written.lower() != "one":  # "one of the tasks", "no one", "one network": a pronoun or "a"
                found.append(Figure(written, float(value)))
    for m in _MONTH_RE.finditer(text):
        if m.group(1) != "May" or m.group(2) or m.group(3):
            found.append(Figure(m.group(1), float(_MONTHS.index(m.group(1)) + 1)))
    return found


def numbers_in(text: str) -> set[float]:
    """Every number a text may be taken to hold: its figures, and each Chinese numeral character on its
    own (三类 holds 3, 十五分钟 holds 15, 10 and 5). Generous on purpose: this is what a writer may repeat."""
    held = {f.value for f in figures_in(text)}
    held |= {float(CN_DIGITS[ch]) for ch in text if ch in CN_DIGITS}
    held |= {float(CN_UNITS[ch]) for ch in text if ch in CN_UNITS}
    return held


def held_numbers(store: ContentStore, item: Item) -> set[float]:
    """What the notice holds for this work point: its text, heading and clause, its deadline, its targets
    and the plan's year. Not the notice's issue date: a month in plain language is read as a deadline."""
    held = numbers_in(" ".join((item.official_text, item.section.title.zh, item.subsection.title.zh, item.clause)))
    held |= {float(item.deadline[:4]), float(item.deadline[5:]), float(store.notice.year)}
    held |= {float(t.value) for t in item.targets}
    # A count of what the notice lists is held too: 环东中心村、长元村、新丰村 are "three villages",
    # the lead and supporting offices "two offices".
    held |= {float(part.count("、") + 1) for part in re.split(r"[，。；：,;:（）()]", item.official_text) if "、" in part}
    held.add(float(len(item.offices)))
    # The work point's own number ("work point 2.2", "1.1.2") is the notice's numbering.
    held |= {float(part) for part in item.code.split(".")} | numbers_in(item.code)
    return held


def _plain_fields(item: Item) -> list[tuple[str, str]]:
    # An unwritten title is the notice's own first words (store._official_title): checking it is harmless.
    fields = [("title.zh", item.title.zh), ("title.en", item.title.en),
              ("summary.zh", item.summary.zh), ("summary.en", item.summary.en)]
    for n, t in enumerate(item.targets):
        fields += [(f"targets.{n}.metric.zh", t.metric.zh), (f"targets.{n}.metric.en", t.metric.en)]
    return fields


def item_problems(store: ContentStore, item: Item) -> list[HonestyProblem]:
    """Figures, dates and places in one work point's plain-language text that its official text lacks."""
    slug = store.plan.slug if store.plan else item.plan
    where = f"{store.plan.rel}/items/{item.code}.yaml" if store.plan else f"items/{item.code}.yaml"

    def problem(field: str, figure: str, why: str) -> HonestyProblem:
        return HonestyProblem(slug, item.code, where, field, figure, why)

    out: list[HonestyProblem] = []
    held = held_numbers(store, item)
    for field, text in _plain_fields(item):
        seen: set[str] = set()
        for fig in figures_in(text):
            if fig.value not in held and fig.written not in seen:
                seen.add(fig.written)
                out.append(problem(field, fig.written, gettext(
                    "“%(figure)s” is not in the notice's text of work point %(code)s; write only figures and dates "
                    "the notice gives", figure=fig.written, code=item.code)))
        for place in store.places:
            named = place.name.zh in text if field.endswith(".zh") else place.name.en in text
            if named and place.name.zh not in item.official_text:
                out.append(problem(field, place.name.get(field[-2:]), gettext(
                    "names %(place)s, which the notice's text of work point %(code)s does not name",
                    place=place.name.get(field[-2:]), code=item.code)))
    for n, t in enumerate(item.targets):
        if t.value not in numbers_in(t.phrase):
            out.append(problem(f"targets.{n}.value", f"{t.value:g}", gettext(
                "%(value)s is not a figure of its phrase “%(phrase)s”", value=f"{t.value:g}", phrase=t.phrase)))
    for n, place in enumerate(item.places):
        if place.name.zh not in item.official_text:
            out.append(problem(f"places.{n}", place.name.zh, gettext(
                "%(place)s is not named in the notice's text of work point %(code)s",
                place=place.name.zh, code=item.code)))
    for n, term in enumerate(item.terms):
        if not any(form in item.official_text for form in term.forms):
            out.append(problem(f"terms.{n}", term.key, gettext(
                "the term %(term)s is not in the notice's text of work point %(code)s",
                term=term.name.zh, code=item.code)))
    return out


def plan_problems(store: ContentStore) -> list[HonestyProblem]:
    """Every honesty problem of a loaded plan, work point by work point."""
    return [p for item in store.items for p in item_problems(store, item)]


__all__ = ["CN_DIGITS", "Figure", "HonestyProblem", "figures_in", "held_numbers", "item_problems", "numbers_in",
           "plan_problems"]
