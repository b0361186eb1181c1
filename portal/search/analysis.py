"""Text analysis for Chinese and English search.

Lives in its own importable module because Whoosh pickles analyzers into the index schema.
Chinese is cut by jieba (with sequential positions, so phrase queries work) and, in a second field,
into character bigrams that still match words jieba cuts differently. English is stemmed.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
from pathlib import Path

import rjieba
from whoosh.analysis import (LowercaseFilter, RegexTokenizer, SpaceSeparatedTokenizer, StemFilter, StopFilter, Token,
                             Tokenizer)

from ..han import HAN

CJK_RUN_RE = re.compile(f"[{HAN}]+")
LATIN_WORD_RE = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
HAS_CJK_RE = re.compile(f"[{HAN}]")
# Words that carry no meaning in a resident's question.
ZH_STOP = frozenset(
    "的 了 吗 呢 吧 啊 是 在 和 与 及 等 我 我们 你 你们 他 她 它 这 那 哪 哪里 哪儿 什么 怎么 怎样 为什么 "
    "时候 什么时候 多少 几 有 有没有 没有 会 能 可以 要 想 请问 一下 一个 个 把 被 对 从 到 给 就 都 也 还 "
    "啥 咋 呀 嘛 么 么样 如何 是否 进行 开展 推进 工作 相关".split()
)
_CLAUSE_RE = re.compile(r"([\s，。；！？、,.;!?]+)")
_jieba_lock = threading.Lock()


def prepare(words: list[str] | tuple[str, ...] = ()) -> None:
    """Teach jieba the portal's own terms.

    rjieba (jieba-rs, the same dictionary and cuts as Python jieba) loads its dictionary on import in
    about half the memory of Python jieba's (33 MB against 70 MB per gunicorn worker) and cuts faster.
    """
    with _jieba_lock:
        for word in words:
            word = normalize(word)
            if HAS_CJK_RE.search(word) and len(word) >= 2:
                rjieba.add_word(word, 20000, None)


@functools.cache
def _opencc():
    from opencc import OpenCC

    return OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def traditional_chars() -> frozenset[str]:
    """Every character OpenCC's t2s tables can change (alone or inside a phrase). Text without any of
    them converts to itself, so it skips OpenCC, whose pure-Python conversion was a third of a
    100× index build (residents and comments write simplified Chinese almost always)."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    out: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            value = values.split(" ")[0]
            if len(key) != len(value):
                out.update(key)
            else:
                out.update(k for k, v in zip(key, value) if k != v)
    return frozenset(out)


# A query's text is normalised by query.clean() and again by each step that takes any text (its words, its
# stems, the thesaurus's expansion): four times a search, the same string. Kept, the three after the first
# cost a dictionary look-up (0.8% of a new-word search's instructions).
@functools.lru_cache(maxsize=256)
def normalize(text: str) -> str:
    """Full-width to half-width, traditional to simplified, lower case, spaces folded."""
    text = unicodedata.normalize("NFKC", text or "")
    trad = traditional_chars()
    if not trad.isdisjoint(text):
        # Only the clauses that hold such a character (no t2s phrase spans punctuation or a space).
        text = "".join(_opencc().convert(part) if not trad.isdisjoint(part) else part
                       for part in _CLAUSE_RE.split(text))
    return re.sub(r"\s+", " ", text.lower()).strip()


def _token(text: str, pos: int, span: tuple[int, int], positions, chars, keeporiginal, **kwargs) -> Token:
    """A fresh Token per word (the tokenizers yield them lazily), filled as whoosh's own tokenizers do."""
    t = Token(positions, chars, **kwargs)
    t.text = text
    t.boost = 1.0
    t.stopped = False
    if keeporiginal:
        t.original = text
    if positions:
        t.pos = pos
    if chars:
        t.startchar, t.endchar = span
    return t


class _CjkTokenizer(Tokenizer):
    def __eq__(self, other):
        return other.__class__ is self.__class__


class JiebaTokenizer(_CjkTokenizer):
    """jieba segmentation with sequential token positions (jieba's own analyzer uses char offsets)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        text = normalize(value)
        pos = start_pos
        offset = 0
        for word in rjieba.cut(text, True):
            start = text.find(word, offset)
            offset = start + len(word) if start >= 0 else offset
            w = word.strip()
            # Latin words and numbers belong to the English fields (stemmed); here they would only
            # double the postings a query reads.
            if not w or not HAS_CJK_RE.search(w):
                continue
            if w in ZH_STOP:
                continue
            first = start_char + max(start, 0)
            yield _token(w, pos, (first, first + len(word)), positions, chars, keeporiginal,
                         removestops=removestops, mode=mode, **kwargs)
            pos += 1


class BigramTokenizer(_CjkTokenizer):
    """Overlapping character bigrams of each run of Chinese characters (a lone character stays whole)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        text = normalize(value)
        pos = start_pos
        for m in CJK_RUN_RE.finditer(text):
            run = m.group(0)
            grams = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
            for i, gram in enumerate(grams):
                first = start_char + m.start() + i
                yield _token(gram, pos, (first, first + len(gram)), positions, chars, keeporiginal,
                             removestops=removestops, mode=mode, **kwargs)
                pos += 1


def chinese_analyzer():
    return JiebaTokenizer() | LowercaseFilter()


def bigram_analyzer():
    return BigramTokenizer()


def english_analyzer():
    return RegexTokenizer(r"[A-Za-z0-9]+(?:[.'][A-Za-z0-9]+)*") | LowercaseFilter() | StopFilter() | StemFilter()


def summary_analyzer():
    """For text that is already analysed: distinct words or stems separated by spaces."""
    return SpaceSeparatedTokenizer()


def words_and_stems(text: str, english: bool = True) -> tuple[list[str], list[str]]:
    """jieba words (as JiebaTokenizer keeps them) and English stems of one text, normalised once."""
    text = normalize(text)
    words = [w for w in (x.strip() for x in rjieba.cut(text, True))
             if w and HAS_CJK_RE.search(w) and w not in ZH_STOP]
    return words, [t.text for t in _ENGLISH(" ".join(LATIN_WORD_RE.findall(text)))] if english else []


def bigrams(text: str) -> list[str]:
    return [t.text for t in BigramTokenizer()(text)]


def zh_words(text: str) -> list[str]:
    """The words JiebaTokenizer indexes for `text`, as plain strings (a query's words: no Token per word)."""
    return words_and_stems(text, english=False)[0]


# Built once: a query calls en_terms for every alias it expands, and each new StemFilter started
# with an empty stem cache (whoosh analyzers keep no state between calls, so one serves every thread).
_ENGLISH = english_analyzer()


def en_terms(text: str) -> list[str]:
    text = normalize(text)
    # Most queries are Chinese alone, and every one is looked at twice (its terms, its expansion): the
    # analyzer's chain of generators, built for each call, found nothing there. Lower-cased, a text holds
    # an English term exactly when it holds a letter or digit of LATIN_WORD_RE.
    return [t.text for t in _ENGLISH(text)] if LATIN_WORD_RE.search(text) else []
