"""Undo what .docx and PDF exports do to a Chinese government notice, so the parser sees plain lines.

Removed lines become blank lines rather than disappearing, so a problem the parser reports by line
number still points at the same line of the source text.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection

from ..han import CJK_PUNCTUATION, HAN
from .parser import CLAUSE_KEYS, CLAUSE_START_RE, SECTION_RE, SENTENCE_END

# Full-width digits and Latin letters only: full-width punctuation (，（）：) is correct Chinese.
_WIDTH = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
# PDF text layers often map characters to their radical code points (⼈ U+2F08 for 人, ⺠ U+2EA0 for
# 民): Kangxi radicals have compatibility forms (NFKC); the supplement's simplified forms need a table.
_KANGXI = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
_RADICAL_SUPPLEMENT = str.maketrans(
    "⺟⺠⻅⻆⻉⻋⻓⻔⻘⻙⻚⻛⻜⻝⻢⻤⻥⻦⻧⻨⻩⻬⻮⻰⻳⺁⺇⺊⺝",
    "母民见角贝车长门青韦页风飞食马鬼鱼鸟卤麦黄齐齿龙龟厂几卜月",
)
# Variant code points a PDF text layer gives for a glyph the font shares with the simplified form
# (found with Noto Sans CJK through Chromium: 户 comes back as 戶). Applied to PDF text only.
_PDF_VARIANTS = str.maketrans({"戶": "户", "戸": "户"})
# Chinese text quotes with “” ‘’: a justified PDF line can give stray spaces around them too.
_CJK = f"{HAN}{CJK_PUNCTUATION}“”‘’"
# "2023 年", "张江镇 2023 年": spaces a typesetter puts between Chinese and figures.
_STRAY_SPACE = re.compile(rf"(?<=[{_CJK}0-9])[ \t\u00a0\u3000]+(?=[{_CJK}])|(?<=[{_CJK}])[ \t\u00a0\u3000]+(?=[0-9])")
_SPACE_IN_CLAUSE = re.compile(rf"(?<![{HAN}])[ \t\u00a0]+|[ \t\u00a0]+(?![{HAN}])")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[\[［【〔]\s*([0-9]{4})\s*[\]］】〕]\s*([0-9]+)\s*号")
# Page numbers as printed: "- 3 -", "— 3 —", "3", "第3页", "第 3 页 共 5 页", "3/5".
PAGE_NUMBER = re.compile(r"^[-－—–\s]*(?:第\s*)?[0-9]{1,3}(?:\s*页)?(?:\s*[/／]\s*[0-9]{1,3}|\s*共\s*[0-9]{1,3}\s*页)?[-－—–\s]*$")
RUNNING_REPEATS = 3  # a short line seen on three or more pages is a running header or footer


def normalise(text: str, from_pdf: bool = False, offices: Collection[str] = ()) -> str:
    """Return the notice as clean lines; `from_pdf` also undoes a PDF text layer's variant code points.
    (The PDF reader has already joined the lines the page width wrapped: it sees where they end.)
    `offices`, the known office names, joins a name letter-spaced in a clause (城 运 办) into one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = standard_characters(text)
    lines: list[str] = []
    raw_lines: list[str] = []  # as read, to clean again where lines are joined
    breaks: list[bool] = []  # the line opens a page: a form feed (pdftotext's page break) stands before it
    for raw in text.split("\n"):
        for n, part in enumerate(raw.split("\f")):
            lines.append(_clean_line(part, offices))
            raw_lines.append(part)
            breaks.append(n > 0)
    lines = _drop_running_lines(lines, breaks)
    lines = _join_open_brackets(lines, raw_lines, offices)
    if from_pdf:
        lines = [line.translate(_PDF_VARIANTS) for line in lines]
    return "\n".join(lines).rstrip("\n") + "\n"


def standard_characters(text: str) -> str:
    """Half-width digits and letters, and the characters for which a PDF gave radical code points."""
    return text.translate(_WIDTH).translate(_KANGXI).translate(_RADICAL_SUPPLEMENT)


# A clause's key words letter-spaced, as a PDF text layer gives them: 责 任 部 门, 时 间 节 点. Only these words
# are joined, so that the line is seen as holding a clause and its offices are read the careful way below.
_SPACED_KEY = re.compile("|".join(r"[ \t\u00a0]*".join(key) for key in CLAUSE_KEYS))  # 责任 部门 too


def _clean_line(line: str, offices: Collection[str] = ()) -> str:
    line = line.strip().replace("\u3000", " ")
    line = _SPACED_KEY.sub(lambda m: re.sub(r"\s+", "", m.group()), line)
    clause = CLAUSE_START_RE.search(line)
    if clause:
        # In a clause a space between two names separates offices (城运办 城建中心); only the others go.
        head, rest = line[:clause.start()], line[clause.start():]
        rest = _SPACE_IN_CLAUSE.sub("", rest)
        if offices:
            rest = _SPACED_RUN.sub(lambda m: _join_spaced(m.group(), offices), rest)
        line = _STRAY_SPACE.sub("", head) + rest
    else:
        line = _STRAY_SPACE.sub("", line)
    return _DOC_NUMBER.sub(r"\1〔\2〕\3号", line.strip())


# Names one space apart in a clause, as a PDF gives a letter-spaced name: 城 运 办 综 合 行 政 执 法 队.
_SPACED_RUN = re.compile(rf"[{HAN}（）()]+(?:[ \t\u00a0]+[{HAN}（）()]+)+")


def _join_spaced(run: str, offices: Collection[str]) -> str:
    """Join the longest stretches of `run`'s space-separated pieces that spell a known office, unless each
    piece is a known office already (two names side by side); anything else stays as it was, so an office
    the list lacks is still listed, never made up."""
    pieces, out, i = run.split(), [], 0
    while i < len(pieces):
        j = next((j for j in range(len(pieces), i + 1, -1) if "".join(pieces[i:j]) in offices
                  and not all(p in offices for p in pieces[i:j])), i + 1)
        out.append("".join(pieces[i:j]))
        i = j
    return " ".join(out)


def _drop_running_lines(lines: list[str], breaks: list[bool]) -> list[str]:
    """Blank page numbers, and running headers and footers: short lines standing first or last on three
    or more pages. Only a page's edges count, because a short line inside the text recurs too: a
    clause on a line of its own (（责任部门：城运办；时间节点：全年）) or a heading such as 工作目标 that
    every action area repeats. Pages end at a form feed or a page number; a .txt or .docx with neither
    is one page and keeps all its lines."""
    is_number = [bool(line) and bool(PAGE_NUMBER.match(line)) for line in lines]
    pages: list[list[int]] = [[]]
    for n, line in enumerate(lines):
        if breaks[n] and pages[-1]:
            pages.append([])
        if is_number[n]:
            pages.append([])
        elif line:
            pages[-1].append(n)
    # A page may well end on a work point's clause, and the same clause may end three pages.
    edge_lines = [{n for n in page[:1] + page[-1:] if len(lines[n]) <= 40 and not CLAUSE_START_RE.match(lines[n])}
                  for page in pages if page]
    counts = Counter(text for edges in edge_lines for text in {lines[n] for n in edges})
    running = {n for edges in edge_lines for n in edges if counts[lines[n]] >= RUNNING_REPEATS}
    running |= _head_lines_inside_sentences(lines, set().union(*edge_lines))
    return ["" if is_number[n] or n in running else line for n, line in enumerate(lines)]


def _head_lines_inside_sentences(lines: list[str], edges: set[int]) -> set[int]:
    """Lines at a page's edge that repeat a line of the notice's head (its title, say) where a sentence of
    the body runs on: the running header or footer of a notice too short to tell by repetition."""
    body = next((k for k, line in enumerate(lines) if SECTION_RE.match(line)), len(lines))
    head = set(lines[:body])
    found = set()
    for n in edges:
        if n > body and lines[n] in head:
            k = n - 1
            while k > body and not lines[k]:
                k -= 1
            if lines[k] and not lines[k].endswith(SENTENCE_END):
                found.add(n)
    return found


def _join_open_brackets(lines: list[str], raw_lines: list[str], offices: Collection[str] = ()) -> list[str]:
    """A title or clause cut inside 《…》 or （…） continues on the next line; a blank is left in its place.
    The joined line is cleaned again as one: its second part, cleaned alone, was taken for text outside a
    clause (its letter-spaced 时 限 or 法 队, or the space between two offices, all lost)."""
    out = list(lines)
    last, parts = None, {}
    for n, line in enumerate(out):
        if not line:
            continue
        prev = out[last] if last is not None else ""
        if prev.count("《") > prev.count("》") or prev.count("（") > prev.count("）"):
            parts.setdefault(last, [raw_lines[last]]).append(raw_lines[n])
            out[last] = _clean_line("".join(part.strip() for part in parts[last]), offices)
            out[n] = ""
            continue
        last = n
    return out

