"""Read a notice as published (.txt, .docx, text PDF) into text; the normaliser cleans it afterwards."""
from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from babel.units import format_unit
from flask_babel import get_locale, gettext

from ..config import NOTICE_MAX_BYTES, NOTICE_MAX_UNZIPPED_BYTES
from .normalize import PAGE_NUMBER, RUNNING_REPEATS, standard_characters
from .parser import CLAUSE_KEYS, FIGURE_RE, ITEM_RE, SECTION_RE, SENTENCE_END, SUBSECTION_RE


class NoticeReadError(ValueError):
    """The file could not be read as a notice."""


def read_notice_file(path: str | Path, max_bytes: int = NOTICE_MAX_BYTES, ignored: list[str] | None = None,
                     max_unzipped: int = NOTICE_MAX_UNZIPPED_BYTES) -> tuple[str, bool]:
    """The file's text and whether it came from a PDF text layer. A file over `max_bytes` is refused
    before a byte is read: every reader below holds the whole file in memory (a .docx whose text parts
    unzip to more than `max_unzipped` is refused before they are unzipped). The words of what was left out
    as no part of the notice (a seal's text box) are added to `ignored`, for the import's report."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise NoticeReadError(gettext(
            "%(file)s is %(size)s, larger than the %(limit)s a notice may be (PORTAL_NOTICE_MAX_BYTES): "
            "check that this is the notice", file=path.name, size=human_size(size), limit=human_size(max_bytes)))
    suffix = path.suffix.lower()
    if suffix in (".txt", ".docx", ".pdf"):
        # A file renamed by hand keeps its bytes: a .docx is a zip archive, a PDF says so first.
        with path.open("rb") as f:
            start = f.read(5)
        suffix = ".docx" if start.startswith(b"PK\x03\x04") else ".pdf" if start == b"%PDF-" else suffix
    if suffix == ".txt":
        return _read_txt(path), False
    if suffix == ".docx":
        return _read_docx(path, [] if ignored is None else ignored, max_unzipped), False
    if suffix == ".pdf":
        return _read_pdf(path), True
    if not suffix:
        raise NoticeReadError(gettext("%(file)s: can read .txt, .docx or .pdf, not a file without extension",
                                      file=path.name))
    raise NoticeReadError(gettext("%(file)s: can read .txt, .docx or .pdf, not %(suffix)s", file=path.name,
                                  suffix=suffix))


def human_size(size: int, locale: str | None = None) -> str:
    """A file's size as the clerk's language writes it (or `locale`'s, for a text in one language whoever
    reads it): whole kilobytes below a megabyte ("850 kB"), else megabytes to a tenth ("20 MB", "20.5 MB").
    Multiples of 1024, as PORTAL_NOTICE_MAX_BYTES and PORTAL_SHEET_MAX_BYTES are usually set. The figure and
    its unit are joined by a no-break space (Babel writes a plain one), so that a 360 px line never ends in
    "2" with "MB" on the next (the upload label, the guide sheet's rule, the refusals)."""
    locale = locale or get_locale()
    if size < 1024 * 1024:
        text = format_unit(size / 1024, "digital-kilobyte", "short", "#,##0", locale=locale)
    else:
        text = format_unit(size / (1024 * 1024), "digital-megabyte", "short", "#,##0.#", locale=locale)
    return text.replace(" ", "\u00a0")


def _read_txt(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):  # notices saved on Chinese Windows are often GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NoticeReadError(gettext("%(file)s: neither UTF-8 nor GB18030 text", file=path.name))


def _read_docx(path: Path, ignored: list[str], max_unzipped: int = NOTICE_MAX_UNZIPPED_BYTES) -> str:
    import docx  # python-docx; page headers and footers live outside the body and are not read
    from docx.table import Table

    try:
        document = docx.Document(_text_parts(path, max_unzipped))
    except NoticeReadError:
        raise
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise NoticeReadError(gettext("%(file)s: not a readable .docx (%(why)s)", file=path.name, why=exc)) from None
    tables = (Table(t, document) for t in document.element.body.xpath(".//w:tbl"))  # in content controls too
    header_row = next((row for t in tables if (row := _task_table_header(t)) is not None), None)
    if header_row is not None:
        header = "、".join(dict.fromkeys(c.text.strip() for c in header_row.cells if c.text.strip()))
        raise NoticeReadError(gettext(
            "%(file)s: the work points are in a table (%(header)s), where each office and deadline stands in a cell "
            "of its own. The import reads work points written as paragraphs, each ending in its clause, such as "
            "“1. 任务（责任部门：…；时间节点：…）”: write the table's rows out that way in a .txt file and import that.",
            file=path.name, header=header))
    from docx.oxml.ns import nsmap

    from lxml import etree

    # Compiled: python-docx's own elements (a box's w:p) take no namespaces argument, lxml's do.
    box_paragraphs, paragraph_text = (etree.XPath(".//w:p", namespaces=nsmap),
                                      etree.XPath(".//w:t/text()", namespaces=nsmap))
    # Word writes a drawing's text twice (its VML twin for old readers): each box's words once.
    boxes = dict.fromkeys(text for box in document.element.body.xpath(".//w:txbxContent")
                          if (text := " ".join("".join(paragraph_text(p)).strip() for p in box_paragraphs(box)).strip()))
    boxed = next((text for text in boxes if _could_be_notice_text(text)), None)
    if boxed is not None:
        # A text box floats beside the paragraph it is anchored in: where its words belong among the
        # paragraphs is not in the file, and they were dropped without a word, a work point with them.
        raise NoticeReadError(gettext(
            "%(file)s: a text box holds “%(text)s”, which the import does not read: where it stands among the "
            "paragraphs is not known. In Word, move its text into the body of the notice (or delete the box if "
            "it is not part of the notice), save and import again.", file=path.name, text=_shortened(boxed)))
    ignored += list(boxes)  # a seal's 张江镇人民政府, a header or a logo's caption: listed, not read
    paragraphs = list(_docx_paragraphs(document.element.body, document))
    changed = next((p for p in paragraphs if p._p.xpath(_TRACKED_CHANGE)), None)
    if changed is not None:
        raise NoticeReadError(gettext(
            "%(file)s: the paragraph “%(paragraph)s” has tracked changes, whose inserted and deleted words "
            "would be read as neither the old nor the new wording. In Word, accept or reject every change "
            "(Review → Accept All Changes) so that the file says what the notice says, save it and import it again.",
            file=path.name, paragraph=_shortened(_docx_text(changed).strip())))
    numbered = [_docx_text(p).strip() for p in paragraphs if _docx_text(p).strip() and _auto_numbered(p)]
    if numbered:
        first = _shortened(numbered[0])
        if len(numbered) == 1:
            where = gettext("the paragraph “%(first)s” uses", first=first)
        else:
            where = gettext("the paragraph “%(first)s” and %(more)s more paragraph(s) use", first=first,
                            more=len(numbered) - 1)
        raise NoticeReadError(gettext(
            "%(file)s: %(where)s Word's automatic numbering, whose numbers (1. 2. …) are not part of the text and "
            "would be lost. In Word, save the notice as plain text (.txt) or as PDF, which write the numbers out, "
            "and import that file.", file=path.name, where=where))
    return "\n".join(_docx_text(p) for p in paragraphs)


# A full line of a notice's body holds 28 characters (A4, 三号 font): a box with fewer holds no paragraph.
_SHORT_BOX = 24
_CLAUSE_KEY_RE = re.compile("|".join(CLAUSE_KEYS))


def _could_be_notice_text(text: str) -> bool:
    """Whether a text box's words could be part of the notice: a numbered point or a heading, a clause's
    key word, a figure with its unit, a finished sentence, or more than a short line. A seal's
    张江镇人民政府, a page header or a logo's caption is none of these."""
    text = standard_characters(text)
    lines = text.split(" ")
    return (len(re.sub(r"\s", "", text)) > _SHORT_BOX or bool(_CLAUSE_KEY_RE.search(text) or FIGURE_RE.search(text))
            or any(ITEM_RE.match(line) or SECTION_RE.match(line) or SUBSECTION_RE.match(line) for line in lines)
            or any(mark in text for mark in "。；;！？"))


# Parts that hold no text the reader reads (pictures, fonts, embedded files): python-docx loads every
# part a relationship names, these whole into memory too, so they are handed over empty instead.
_NOT_TEXT = (".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".jxr",
             ".svg", ".ico", ".bin", ".odttf", ".ttf", ".otf", ".fntdata", ".xlsx", ".xls", ".docx", ".doc", ".pptx",
             ".ppt", ".vsdx", ".pdf", ".mp3", ".mp4", ".wav", ".avi", ".wmv")


def _text_parts(path: Path, limit: int) -> io.BytesIO:
    """The .docx with only the parts read for text unzipped, into an uncompressed copy for python-docx.
    The zip's directory says how large each part unzips: over `limit` together, the file is refused before
    any is unzipped. Each is read in chunks and counted, so a directory that understates a size is caught too."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise NoticeReadError(gettext("%(file)s: not a readable .docx (%(why)s)", file=path.name, why=exc)) from None
    with archive:
        parts = [archive.getinfo(name) for name in dict.fromkeys(archive.namelist()) if not name.endswith("/")]
        read = [p for p in parts if not p.filename.lower().endswith(_NOT_TEXT)]
        declared = sum(p.file_size for p in read)
        if declared > limit:
            raise _too_large(path, read, declared, limit)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            total = 0
            for part in parts:
                if part.filename.lower().endswith(_NOT_TEXT):
                    copy.writestr(part.filename, b"")
                    continue
                chunks = []
                try:
                    with archive.open(part) as f:
                        while chunk := f.read(1024 * 1024):
                            total += len(chunk)
                            if total > limit:
                                raise _too_large(path, read, total, limit)
                            chunks.append(chunk)
                except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:
                    raise NoticeReadError(gettext("%(file)s: not a readable .docx (%(why)s)", file=path.name,
                                                  why=exc)) from None
                copy.writestr(part.filename, b"".join(chunks))
    out.seek(0)
    return out


def _too_large(path: Path, parts: list[zipfile.ZipInfo], size: int, limit: int) -> NoticeReadError:
    largest = max(parts, key=lambda p: p.file_size)
    return NoticeReadError(gettext(
        "%(file)s: unzipped, the parts of the .docx that hold its text come to %(size)s (%(part)s alone "
        "%(part_size)s), more than the %(limit)s a notice's text takes "
        "(PORTAL_NOTICE_MAX_UNZIPPED_BYTES): check that this is the notice, or save it from Word as PDF or plain "
        "text (.txt) and import that.", file=path.name, size=human_size(size),
        part=largest.filename, part_size=human_size(largest.file_size), limit=human_size(limit)))


def _shortened(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


# Inserted, deleted and moved text of tracked changes (a paragraph mark's own change included): python-docx
# reads only a paragraph's plain runs, so an inserted figure was lost and a deleted one too.
_TRACKED_CHANGE = ".//w:ins | .//w:del | .//w:moveFrom | .//w:moveTo"


def _task_table_header(table):
    """The header row of a 任务分解表: a row naming the responsible office and the deadline as columns,
    among the first three (a title row over all columns often stands above it). Read cell by cell, its
    offices and months would come apart from their work points (a letterhead table has no such row)."""
    for row in table.rows[:3]:
        # Column names, not a work point's clause written in a cell of a layout table.
        names = [cell.text.strip() for cell in row.cells if len(cell.text.strip()) <= 10]
        if (any(re.search(r"责任(?:部门|单位)|牵头(?:部门|单位)|主责部门", name) for name in names)
                and any(re.search(r"时间节点|完成时限|完成时间|时间要求", name) for name in names)):
            return row
    return None


def _docx_paragraphs(element, parent):
    """The paragraphs in document order, those in table cells (letterheads are often tables) and in
    content controls (w:sdt, which templates use) included."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element:
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            seen = set()
            for row in Table(child, parent).rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is listed once per grid column it spans
                        seen.add(id(cell._tc))
                        yield from _docx_paragraphs(cell._tc, cell)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            yield from _docx_paragraphs(child, parent)


def _docx_text(paragraph) -> str:
    """Every run of the paragraph: python-docx's .text leaves out those in content controls, fields,
    smart tags and custom XML. A run inside a run is a text box's, not the paragraph's."""
    return "".join(run.text for run in paragraph._p.xpath(".//w:r[not(ancestor::w:r)]"))


def _auto_numbered(paragraph) -> bool:
    """Whether Word numbers the paragraph itself (numPr on the paragraph or its style, as List Number)."""
    ppr, style = paragraph._p.pPr, paragraph.style
    num = ppr.numPr if ppr is not None else None
    while num is None and style is not None:
        ppr = style.element.pPr
        num = ppr.numPr if ppr is not None else None
        style = style.base_style
    return num is not None and num.numId is not None and num.numId.val != 0  # numId 0: numbering switched off


def _read_pdf(path: Path) -> str:
    import logging

    from pdfminer.high_level import extract_pages

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings say nothing about the text
    try:
        pages = [_page_lines(page) for page in extract_pages(str(path))]
    except Exception as exc:  # pdfminer raises several types for damaged files
        raise NoticeReadError(gettext("%(file)s: not a readable PDF (%(why)s)", file=path.name, why=exc)) from None
    if not any(pages):
        raise NoticeReadError(gettext("%(file)s: the PDF has no text layer (a scan?); use the .docx or .txt",
                                      file=path.name))
    return "\n".join(_paragraphs(pages))


class _Line(NamedTuple):
    text: str
    x0: float
    x1: float
    y0: float
    height: float  # about one Chinese character's width
    first_piece: float  # width of the line's start, which the layout could only move as a whole


def _page_lines(page) -> list[_Line]:
    """The page's lines in pdfminer's reading order."""
    from pdfminer.layout import LTTextContainer, LTTextLine

    return [_Line(line.get_text().strip(), line.x0, line.x1, line.y0, line.height, _first_piece(line))
            for box in page if isinstance(box, LTTextContainer)
            for line in box if isinstance(line, LTTextLine) and line.get_text().strip()]


# Chinese layout does not start a line with closing punctuation nor end one with opening punctuation:
# such a mark travels with the character beside it.
_OPENING = set("“‘《（(〔【「『［[")
_CLOSING = set("，。、；：？！）)”’》〕】」』］]…%,.;:?!")


def _first_piece(line) -> float:
    """Width of opening marks, then one Chinese character or one Latin word or figure, then
    closing marks, at the start of `line`: the least the layout could have moved down from the line above."""
    chars = [c for c in line if hasattr(c, "x1") and c.get_text().strip()]
    if not chars:
        return 0.0
    text = [c.get_text() for c in chars]
    n = 0
    while n < len(chars) - 1 and text[n] in _OPENING:
        n += 1
    while n + 1 < len(chars) and (text[n] + text[n + 1]).isascii():  # a Latin word or a figure such as 3.1
        n += 1
    while n + 1 < len(chars) and text[n + 1] in _CLOSING:
        n += 1
    return chars[n].x1 - line.x0


def _opens_paragraph(prev: str, text: str) -> bool:
    """Whether `text` opens a paragraph though `prev` ends too near the margin to tell. Where paragraphs
    have neither spacing nor indent, and at a page break, the words decide: 四、 and （一） open headings;
    2. opens a work point after a finished sentence only (3.1公里 may be a wrapped figure)."""
    text = standard_characters(text)  # ⼀、 with the Kangxi radical is 一、
    return bool(SECTION_RE.match(text) or SUBSECTION_RE.match(text)
                or prev.endswith(SENTENCE_END) and ITEM_RE.match(text))


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    """The text with the lines the layout wrapped joined again, judged by where they stand on the page.

    A line runs on into the next when the next line's first piece would not have fitted in the room
    left at its right end, and the next line starts at the left margin right below it (or at the top of
    the next page); centred lines, a title's, run on by other signs (centred_run_on). A line that ends
    short, a line that is indented, centred or set apart by spacing, and a short right-aligned line (a
    date) otherwise end or start paragraphs. Character counts are no guide:
    Latin letters and figures are narrower than Chinese characters.
    Page numbers and running headers are left out: only here is it known that they stood at a page's
    edge (the normaliser, which sees no pages in this text, keeps a short line that recurs inside it)."""
    every = [line for page in pages for line in page]
    # The right margin from lines ending in a character: a text layer gives a closing mark its full
    # width even where the layout squeezed it into the margin.
    left = min(line.x0 for line in every)
    right = max((line.x1 for line in every if line.text[-1] not in _CLOSING), default=max(line.x1 for line in every))
    char = sorted(line.height for line in every)[len(every) // 2]
    # Line spacing inside a paragraph: the closest lines follow each other (paragraph spacing only adds).
    steps = sorted(a.y0 - b.y0 for page in pages for a, b in zip(page, page[1:]) if a.y0 - b.y0 > char / 2)
    step = steps[len(steps) // 10] if steps else 0.0
    # Running headers and footers stand first or last on their pages; a short line inside the text,
    # such as the 月） of a wrapped deadline, may recur on many pages and is no header.
    edges = Counter(text for page in pages for text in {line.text for line in page[:1] + page[-1:]})

    def furniture(line: _Line) -> bool:
        return bool(PAGE_NUMBER.match(line.text)) or (edges[line.text] >= RUNNING_REPEATS and len(line.text) <= 40)

    def runs_on(prev: _Line, line: _Line, same_page: bool) -> bool:
        return ((not same_page or 0 < prev.y0 - line.y0 < step + char / 4)  # right below, no spacing
                and prev.x0 < left + 3 * char  # not a right-aligned or centred short line
                and line.x0 < left + char / 4  # not indented or centred
                and prev.x1 + line.first_piece > right + char / 8  # no room for the next line's first piece
                and not _opens_paragraph(prev.text, line.text))

    def centred(line: _Line) -> bool:
        return abs((line.x0 + line.x1) / 2 - (left + right) / 2) < char / 2

    def centred_run_on(prev: _Line, line: _Line) -> bool:
        """A title wraps onto centred lines, by the layout or by hand where it reads well, so room left at
        the line's end says nothing. Its lines share one font size (the issuer and 文号 around it have sizes
        of their own) and only the leading parts them: a blank line or paragraph spacing leaves at least
        a line's height between two separate centred lines. The next line must stand clear of the left
        margin, as a full line of body text is centred too."""
        return (centred(prev) and centred(line) and line.x0 > left + char / 2
                and abs(prev.height - line.height) < prev.height / 10
                and 0 < prev.y0 - line.y0 < 2 * line.height
                and not _opens_paragraph(prev.text, line.text))

    # A line at a page's edge that repeats a line of the notice's head where a sentence runs on: the
    # running header or footer of a notice with too few pages to tell by repetition.
    first_area = next((n for n, line in enumerate(every) if SECTION_RE.match(standard_characters(line.text))), len(every))

    def bare(text: str) -> str:  # the head's 2024 年 and a header's 2024年 are one line
        return re.sub(r"\s+", "", standard_characters(text))

    head = {bare(line.text) for line in every[:first_area]}
    page_edges = {id(line) for page in pages for line in page[:1] + page[-1:]} - {id(line) for line in every[:first_area]}

    def interrupts(line: _Line, paragraph: str | None) -> bool:
        return (id(line) in page_edges and bare(line.text) in head and paragraph is not None
                and not paragraph.endswith(SENTENCE_END))

    out: list[str] = []
    paragraph, prev, prev_page = None, None, -1
    # Whether the paragraph so far is centred lines only: the last, full line of a body paragraph is centred
    # too, and a centred heading right below it is not its continuation.
    all_centred = False
    for page_no, page in enumerate(pages):
        for line in page:
            if furniture(line) or interrupts(line, paragraph):
                continue
            if prev is not None and page_no == prev_page and all_centred and centred_run_on(prev, line):
                paragraph += line.text
                prev = line
            elif prev is not None and runs_on(prev, line, page_no == prev_page):
                # Two Latin words wrap at the space between them, which the line end swallowed.
                latin = (paragraph[-1] + line.text[0]).isascii() and (paragraph[-1] + line.text[0]).isalnum()
                paragraph += (" " if latin else "") + line.text
                prev, prev_page, all_centred = line, page_no, False
            else:
                out += [paragraph] if paragraph is not None else []
                paragraph, prev, prev_page, all_centred = line.text, line, page_no, centred(line)
    return out + ([paragraph] if paragraph is not None else [])
