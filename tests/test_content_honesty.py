"""Plain-language content explains the official text and adds nothing to it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.content import load_content
from portal.content.schema import CJK_RE

STORE = load_content(Path(__file__).resolve().parent.parent / "content")
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "百": 100}


def digits_in(text: str) -> set[float]:
    """Numbers written in digits: 35, 3.1, 95%, 11万 (110,000)."""
    found: set[float] = set()
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(万)?", text.replace(",", "")):
        value = float(m.group(1))
        found.add(value * 10000 if m.group(2) else value)
    return found


def numbers_in(phrase: str) -> set[float]:
    """Numbers a phrase states, in digits or in Chinese numerals: 35, 11万 (110,000), 三 (3)."""
    found = digits_in(phrase)
    for ch in phrase:
        if ch in CN_DIGITS:
            found.add(float(CN_DIGITS[ch]))
    return found


@pytest.mark.parametrize("item", STORE.items, ids=lambda i: i.code)
def test_both_languages_within_limits(item):
    assert 0 < len(item.title.zh) <= 20
    assert 0 < len(item.title.en) <= 70
    assert 60 <= len(item.summary.zh) <= 150, len(item.summary.zh)
    assert 40 <= len(item.summary.en.split()) <= 120
    for text in (item.title.en, item.summary.en):
        assert not CJK_RE.search(text)
    assert CJK_RE.search(item.title.zh) and CJK_RE.search(item.summary.zh)


@pytest.mark.parametrize("item", STORE.items, ids=lambda i: i.code)
def test_targets_come_from_the_official_text(item):
    for target in item.targets:
        assert target.phrase in item.official_text
        assert target.value in numbers_in(target.phrase), (target.key, target.phrase, target.value)
        assert not CJK_RE.search(target.metric.en + target.unit.en)


@pytest.mark.parametrize("item", STORE.items, ids=lambda i: i.code)
def test_no_number_in_a_summary_that_the_notice_does_not_hold(item):
    official_numbers = numbers_in(item.official_text) | {float(item.deadline[:4]), float(item.deadline[5:])}
    official_numbers |= {t.value for t in item.targets}
    for lang, text in (("zh", item.summary.zh), ("en", item.summary.en)):
        stated = digits_in(text)
        assert stated <= official_numbers | {2023.0}, (lang, stated - official_numbers)


@pytest.mark.parametrize("item", STORE.items, ids=lambda i: i.code)
def test_places_and_terms_are_named_in_the_item(item):
    for place in item.places:
        assert place.name.zh in item.official_text or place.name.zh.replace("村顾家宅", "村") in item.official_text
    for term in item.terms:
        assert any(form in item.official_text for form in term.forms), term.key


def test_summaries_name_the_responsible_offices_and_deadline():
    for item in STORE.items:
        for office in item.offices:
            assert office.name.zh in item.summary.zh, (item.code, office.name.zh)
            assert office.name.en.lower() in item.summary.en.lower(), (item.code, office.name.en)
        month = int(item.deadline[5:])
        assert f"2023年{month}月" in item.summary.zh


def test_glossary_terms_appear_in_the_notice():
    notice = STORE.notice.full_text
    for term in STORE.glossary:
        assert any(form in notice for form in term.forms), term.key
        assert not CJK_RE.search(term.name.en + term.explanation.en)


def test_key_figures_are_captured():
    def target(code, key):
        return next(t for t in STORE.item(code).targets if t.key == key)

    assert [t.value for t in STORE.item("2.3").targets] == [35, 25, 25]
    assert target("2.2", "renovated_area").value == 110000
    assert target("3.2.1", "road_km").value == 3.1
    assert target("3.2.2", "treatment_rate").comparator == "at_least"
    assert target("5.1.3", "estates").value == 23


def test_places_are_browsable(client):
    html = client.get("/zh/plans/2023-city-management/places/yifeng-xincun").data.decode()
    assert "/zh/plans/2023-city-management/items/5.1.4" in html
    html = client.get("/en/plans/2023-city-management/places/langyuefu").data.decode()
    assert "/en/plans/2023-city-management/items/2.5" in html and "Langyuefu" in html


def test_api_fields_filled(client):
    item = client.get("/api/v1/items/2.3").get_json()
    assert item["title"]["en"].startswith("Lifts")
    assert item["summary"]["zh"] and item["summary"]["en"]
    assert [t["value"] for t in item["targets"]] == [35, 25, 25]
    assert client.get("/api/v1/items/5.1.4").get_json()["locations"][0]["slug"] == "yifeng-xincun"
