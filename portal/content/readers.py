"""Read a notice as published (.txt, .docx, text PDF) into text; the normaliser cleans it afterwards."""
from __future__ import annotations

from pathlib import Path


class NoticeReadError(ValueError):
    """The file could not be read as a notice."""


def read_notice_file(path: str | Path) -> tuple[str, bool]:
    """The file's text and whether its lines were wrapped by a page layout (PDF)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return _read_txt(path), False
    if suffix == ".docx":
        return _read_docx(path), False
    if suffix == ".pdf":
        return _read_pdf(path), True
    raise NoticeReadError(f"{path.name}: can read .txt, .docx or .pdf, not {suffix or 'a file without extension'}")


def _read_txt(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # notices saved on Chinese Windows are often GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NoticeReadError(f"{path.name}: neither UTF-8 nor GB18030 text")


def _read_docx(path: Path) -> str:
    import docx  # python-docx; page headers and footers live outside the body and are not read

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise NoticeReadError(f"{path.name}: not a readable .docx ({exc})") from None
    return "\n".join(p.text for p in document.paragraphs)


def _read_pdf(path: Path) -> str:
    import logging

    from pdfminer.high_level import extract_text

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings say nothing about the text
    try:
        text = extract_text(str(path))
    except Exception as exc:  # pdfminer raises several types for damaged files
        raise NoticeReadError(f"{path.name}: not a readable PDF ({exc})") from None
    if not text.strip():
        raise NoticeReadError(f"{path.name}: the PDF has no text layer (a scan?); use the .docx or .txt")
    return text
