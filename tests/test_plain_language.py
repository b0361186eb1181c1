"""Plain-language summaries are written in residents' words, not copied, and promise no more than the notice.

Run with `-s` to see, for every work point, the longest run copied from the official text (proper
names excluded), the share of the summary's character pairs found in the official text, and the
summary's length. The rules are in content/STYLE.md.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
import yaml

from portal.content import ContentError, discover_plans, load_content
from portal.content.store import Text

CONTENT = Path(__file__).resolve().parent.parent / "content"
STORE = load_content(CONTENT, "2023-city-management")  # the old overstatements tested by name below


def _stores():
    for plan in discover_plans(CONTENT):
        try:
            yield load_content(CONTENT, plan.slug)
        except ContentError:
            continue  # not loadable yet: test_content_honesty names it


STORES = list(_stores())
# Every plan's written items; an imported item is "in preparation" until its writer fills it.
WRITTEN = [item for store in STORES for item in store.items if item.plain]


def _id(item) -> str:
    return f"{item.plan}/{item.code}"

MAX_RUN = 12
MAX_BIGRAM_SHARE = 0.5
ZH_LENGTH = (60, 150)

# The notice's weak verbs: an effort or an aim, not a result.
WEAK_VERBS = ("推动", "探索", "力争", "深入推进", "严控")
# Result words that turn an effort into an outcome. Each is allowed only where the notice itself
# uses it as a result (not after one of its weak verbs) or where the summary hedges it.
RESULT_WORDS_ZH = ("建成", "建立", "打通", "配齐", "杜绝", "消除", "实现")
HEDGES_ZH = ("推动", "探索", "力争", "争取", "努力", "尝试", "目标", "目的")
# Words of scope or certainty the notice must itself support, checked on every item.
SWEEPING_ZH = ("全部", "所有", "每个", "每一", "会看到", "一定", "保证")
SWEEPING_EN = (r"\bevery\b", r"\ball\b", r"\bwill see\b", r"\bshould see\b", r"\bwill notice\b",
               r"\bguarantee", r"\bensures?\b")
# An English rendering of "every/all" needs one of these in the official text.
ALL_IN_NOTICE = ("全", "各", "所有", "每")
HEDGES_EN = ("work towards", "working towards", "explore", "strive", "push forward", "pushes forward",
             "aim", "try", "strictly control", "work on", "works on", "promote")

WORD_CHAR = re.compile(r"[0-9A-Za-z%\u3400-\u9fff]")


def _proper_names() -> list[str]:
    """Names that may be copied: offices, places, programme and document names quoted in the notice."""
    names: set[str] = set()
    for office in yaml.safe_load((CONTENT / "offices.yaml").read_text(encoding="utf-8")):
        names.update(n for n in (office["zh"], office.get("full_zh")) if n)
    names.update(p["zh"] for p in yaml.safe_load((CONTENT / "places.yaml").read_text(encoding="utf-8")))
    notice = "\n".join(store.notice.full_text for store in STORES)
    names.update(re.findall(r"《[^》]+》", notice))
    # Quoted names, not quoted slogans: a slogan lists several clauses (、) or levels (-).
    names.update(q for q in re.findall(r"“([^”]+)”", notice) if "、" not in q and "-" not in q)
    return sorted((_squash(n) for n in names), key=len, reverse=True)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


PROPER_NAMES = _proper_names()


def official_text(item) -> str:
    return _squash(item.subsection.title.zh + item.official_text)


def _mask_names(text: str, mark: str) -> str:
    for name in PROPER_NAMES:
        text = text.replace(name, mark)
    return text


def longest_copied_run(summary: str, official: str) -> str:
    """Longest common substring, with proper names masked differently on each side so no run spans one."""
    a, b = _mask_names(_squash(summary), "\x00"), _mask_names(_squash(official), "\x01")
    best_len, best_end = 0, 0
    previous = [0] * (len(b) + 1)
    for i, ch in enumerate(a, start=1):
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if ch == other:
                current[j] = previous[j - 1] + 1
                if current[j] > best_len:
                    best_len, best_end = current[j], i
        previous = current
    return a[best_end - best_len:best_end]


def bigrams(text: str) -> list[str]:
    """Pairs of adjacent word characters (CJK, letters, digits); punctuation and spaces break a pair."""
    text = _squash(text)
    return [text[i:i + 2] for i in range(len(text) - 1) if WORD_CHAR.match(text[i]) and WORD_CHAR.match(text[i + 1])]


def bigram_share(summary: str, official: str) -> float:
    pairs = bigrams(summary)
    known = set(bigrams(official))
    return sum(1 for p in pairs if p in known) / len(pairs)


def figures(item) -> tuple[str, float, int]:
    official = official_text(item)
    return longest_copied_run(item.summary.zh, official), bigram_share(item.summary.zh, official), len(item.summary.zh)


def test_copy_figures_for_every_item():
    rows, failures = [], []
    for item in WRITTEN:
        run, share, length = figures(item)
        rows.append(f"{_id(item):<28} run {len(run):>2}  pairs {share:5.1%}  length {length:>3}  {run}")
        if len(run) > MAX_RUN or share > MAX_BIGRAM_SHARE or not ZH_LENGTH[0] <= length <= ZH_LENGTH[1]:
            failures.append(rows[-1])
    shares = [figures(i)[1] for i in WRITTEN]
    print("\nplain-language copy figures (run: longest copied run, names excluded; pairs: share of"
          " the summary's character pairs found in the official text)")
    print("\n".join(rows))
    print(f"max run {max(len(figures(i)[0]) for i in WRITTEN)}, max pairs {max(shares):.1%},"
          f" mean pairs {sum(shares) / len(shares):.1%}")
    assert not failures, "\n".join(failures)


def test_the_measures_catch_a_copied_summary():
    item = STORE.item("2.3")
    copied = official_text(item)[10:90]
    assert len(longest_copied_run(copied, official_text(item))) > MAX_RUN
    assert bigram_share(copied, official_text(item)) > MAX_BIGRAM_SHARE
    # A proper name alone is not a copied run, however long.
    name = "《张江镇“现代城镇”建设专项行动计划（2023-2025年）》"
    assert len(longest_copied_run("由规建办编制" + name, official_text(STORE.item("8.1")))) <= MAX_RUN


def _unhedged(text: str, word: str, hedges: tuple[str, ...]) -> list[int]:
    """Positions where word occurs without a hedge in the six characters before it."""
    return [m.start() for m in re.finditer(word, text)
            if not any(h in text[max(0, m.start() - 6):m.start()] for h in hedges)]


def strength_problems(summary_zh: str, summary_en: str, official: str) -> list[str]:
    problems = []
    weak = [v for v in WEAK_VERBS if v in official]
    if weak:
        for word in RESULT_WORDS_ZH:
            if _unhedged(summary_zh, word, HEDGES_ZH) and not _unhedged(official, word, WEAK_VERBS):
                problems.append(f"zh result word {word} where the notice has {'/'.join(weak)}")
        if not any(h in summary_zh for h in HEDGES_ZH + ("推进", "严格控制", "严控", "严管")):
            problems.append(f"zh summary drops the notice's {'/'.join(weak)}")
        if not any(h in summary_en.lower() for h in HEDGES_EN):
            problems.append(f"en summary drops the notice's {'/'.join(weak)}")
    problems += [f"zh {w}" for w in SWEEPING_ZH if w in summary_zh and w not in official]
    for pattern in SWEEPING_EN:
        if re.search(pattern, summary_en, re.IGNORECASE):
            supported = pattern in (r"\bevery\b", r"\ball\b") and any(w in official for w in ALL_IN_NOTICE)
            if not supported:
                problems.append(f"en {pattern}")
    return problems


@pytest.mark.parametrize("item", WRITTEN, ids=_id)
def test_summary_keeps_the_notices_strength_of_promise(item):
    assert strength_problems(item.summary.zh, item.summary.en, official_text(item)) == []


def test_the_strength_check_catches_the_old_overstatements():
    official = official_text(STORE.item("5.1.1"))
    assert strength_problems("为自建出租房配齐安防设备，打通发现和报告。", "The town links the stations.", official)
    official = official_text(STORE.item("1.2"))
    assert strength_problems("全镇所有居委都要达标。", "Residents will see greener streets.", official)
    assert strength_problems("完成35个居委的达标创建。", "35 committees meet the standard.", official) == []


def test_glossary_entries_say_the_same_in_both_languages():
    """Figures in an explanation appear in both languages, or in neither."""
    for term in STORE.glossary:
        zh_numbers = re.findall(r"\d+", term.explanation.zh)
        en_numbers = re.findall(r"\d+", term.explanation.en)
        assert sorted(zh_numbers) == sorted(en_numbers), term.key


def test_glossary_entries_are_general_or_say_where_a_specific_comes_from():
    """A definition names no place of ours unless it says the notice is where that comes from."""
    places = [p.name for item in WRITTEN for p in item.places] + [Text("张江", "Zhangjiang"), Text("环东", "Huandong")]
    for term in STORE.glossary:
        for place in places:
            if place.zh in term.explanation.zh:
                assert "本通知" in term.explanation.zh, (term.key, place.zh)
            if place.en in term.explanation.en:
                assert "this notice" in term.explanation.en, (term.key, place.en)


@pytest.mark.parametrize("item", WRITTEN, ids=_id)
def test_summary_answers_what_and_where_then_when_then_who(item):
    """What will be done (and where) opens the summary; the deadline follows, then the offices."""
    zh, en = item.summary.zh, item.summary.en
    when = zh.index(f"{item.deadline[:4]}年{int(item.deadline[5:])}月")
    assert when >= len(zh) // 3, "the summary should open with what will be done"
    for office in item.offices:
        assert zh.rindex(office.name.zh) > when, office.name.zh
    assert en.index("Deadline:") >= len(en) // 3
    assert en.index("Deadline:") < en.index("Responsible:")


@settings(max_examples=200, deadline=None)
@given(official=st.text(alphabet="甲乙丙丁戊己庚辛壬癸，、", min_size=2, max_size=60),
       start=st.integers(0, 59), length=st.integers(2, 30))
def test_any_copied_slice_is_found(official, start, length):
    piece = official[start:start + length]
    assume(len(piece) >= 2)
    summary = "子丑" + piece + "寅卯"
    run = longest_copied_run(summary, official)
    assert len(run) >= len(piece)
    assert run in summary and run in official
    assert 0.0 <= bigram_share(summary, official) <= 1.0


ASCII_PUNCTUATION = re.compile(r"[,;:()?!]|(?<![0-9A-Za-z])\.(?![0-9])")


def test_chinese_text_uses_chinese_punctuation():
    texts = [(_id(i), t) for i in WRITTEN for t in (i.title.zh, i.summary.zh)]
    texts += [(term.key, term.explanation.zh) for term in STORE.glossary]
    assert [(key, text) for key, text in texts if ASCII_PUNCTUATION.search(text)] == []
    assert ASCII_PUNCTUATION.search("镇里要改造旧住房(老小区),期限为12月.")
