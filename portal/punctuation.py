"""Punctuation that templates and feeds put between pieces of text, in the page's language.

A Chinese page joins a label and its value with a full-width colon and lists with the enumeration
comma (责任部门：规建办、社发办); an English page with ": " and ", ". Translated sentences carry
their own punctuation in the catalogue; these marks are for the joins templates make themselves."""
from __future__ import annotations

from types import MappingProxyType

MARKS = {
    "zh": MappingProxyType({"colon": "：", "comma": "、", "semicolon": "；", "stop": "。", "space": "", "year": "年"}),
    "en": MappingProxyType({"colon": ": ", "comma": ", ", "semicolon": "; ", "stop": ". ", "space": " ", "year": ""}),
}


def marks(lang: str | None):
    return MARKS["en" if lang == "en" else "zh"]


def sentence_end(text: str, lang: str) -> str:
    """`text` closed with a full stop unless it already ends with one (of either script)."""
    text = text.rstrip()
    if not text or text[-1] in "。.！？!?":
        return text
    return text + marks(lang)["stop"].strip()
