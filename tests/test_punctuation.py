"""Chinese punctuation in Chinese text, English in English (issue 18 point 9): every zh public page
(tests/public_pages.py), the zh Atom feed and every Chinese message in the catalogue are scanned for
an ASCII comma, full stop, colon, semicolon, question or exclamation mark written between Chinese
characters (spaces allowed either side); every en page and the en feed for full-width marks between
English letters. Each find is printed with the page and the text around it."""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from public_pages import public_pages, seed

CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
ASCII_PUNCT_IN_CHINESE = re.compile(rf"{CJK}[ \t]*[,.:;?!][ \t]*{CJK}")
CHINESE_PUNCT_IN_ENGLISH = re.compile(r"[A-Za-z][ \t]*[，。：；？！、][ \t]*[A-Za-z]")
PO = Path(__file__).resolve().parent.parent / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def visible_text(markup: str) -> str:
    """Text a reader sees or hears: text nodes and the attributes read out, without scripts and styles."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    # Status icons (✔ ▶ ! ○) are hidden from screen readers and sit beside their words: not punctuation.
    markup = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>', " ", markup)
    spoken = re.findall(r'\b(?:title|alt|placeholder|aria-label|content)="([^"]*)"', markup)
    text = re.sub(r"<[^>]+>", " ", markup)
    return html_lib.unescape(" ".join([text, *spoken]))


def finds(text: str, pattern=ASCII_PUNCT_IN_CHINESE) -> list[str]:
    return [text[max(0, m.start() - 12):m.end() + 12].replace("\n", " ") for m in pattern.finditer(text)]


def test_the_scan_finds_ascii_punctuation_between_chinese_and_nothing_else():
    assert finds("张江镇,加装电梯") and finds("工作要点 : 老楼") and finds("已开工.下一步")
    assert not finds("张江镇，加装电梯：已开工。") and not finds("Lifts: 35, of which 25.") and not finds("2.3 加梯")
    assert finds("Lifts：thirty", CHINESE_PUNCT_IN_ENGLISH) and not finds("Lifts: 35", CHINESE_PUNCT_IN_ENGLISH)


@given(st.text(alphabet="张江镇电梯，。：；？！ 0123456789abc"))
def test_chinese_punctuation_is_never_reported(text):
    assert not finds(text)


def test_every_public_page_and_feed_uses_the_punctuation_of_its_language(app, client):
    seeded = seed(app)
    problems = []
    pages = [(p.path, p.lang) for p in public_pages(app, seeded)]
    assert len(pages) >= 30
    for path, lang in [*pages, ("/zh/plans/2023-city-management/feed.atom", "zh"), ("/en/plans/2023-city-management/feed.atom", "en")]:
        text = visible_text(client.get(path).get_data(as_text=True))
        pattern = ASCII_PUNCT_IN_CHINESE if lang == "zh" else CHINESE_PUNCT_IN_ENGLISH
        problems += [f"{path}: …{where}…" for where in finds(text, pattern)]
    assert not problems, "punctuation of the other language:\n" + "\n".join(problems)


def test_every_chinese_message_uses_chinese_punctuation():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    problems = []
    for message in catalog:
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            problems += [f"{message.id!r}: …{where}…" for where in finds(text or "")]
    assert not problems, "\n".join(problems)
