"""Plain-language content explains the official text and adds nothing to it.

The honesty rules themselves are in portal/content/honesty.py, shared with `flask plans check`, publishing
and load-content; these tests run them over every plan folder under content/ so that `make test` fails on
an invented figure in any plan, published or not.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from portal.content import ContentError, discover_plans, load_content
from portal.content.schema import CJK_RE
from portal.services.plans import check_plan

CONTENT = Path(__file__).resolve().parent.parent / "content"
SLUGS = [p.slug for p in discover_plans(CONTENT)]
STORE = load_content(CONTENT, "2023-city-management")  # the figures and pages tested by name below


def _stores():
    for slug in SLUGS:
        try:
            yield load_content(CONTENT, slug)
        except ContentError:
            continue  # an unpublished plan that does not load yet: test_every_plan_states_nothing_… names it


# Items whose writer has written the plain-language text; an imported item is "in preparation" until then.
WRITTEN = [item for store in _stores() for item in store.items if item.plain]


def _id(item) -> str:
    return f"{item.plan}/{item.code}"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_plan_states_nothing_the_notice_does_not(slug):
    """No figure, date or place in plain language that the notice lacks; targets and places trace to it."""
    result = check_plan(CONTENT, slug)
    assert not (result.published and result.errors), result.errors
    assert result.invented == [], "\n".join(map(str, result.invented))


@pytest.mark.parametrize("item", WRITTEN, ids=_id)
def test_both_languages_within_limits(item):
    assert 0 < len(item.title.zh) <= 20
    assert 0 < len(item.title.en) <= 70
    assert 60 <= len(item.summary.zh) <= 150, len(item.summary.zh)
    assert 40 <= len(item.summary.en.split()) <= 120
    for text in (item.title.en, item.summary.en):
        assert not CJK_RE.search(text)
    assert CJK_RE.search(item.title.zh) and CJK_RE.search(item.summary.zh)


@pytest.mark.parametrize("item", WRITTEN, ids=_id)
def test_target_names_are_english_in_english(item):
    for target in item.targets:
        assert not CJK_RE.search(target.metric.en + target.unit.en)


def test_summaries_name_the_responsible_offices_and_deadline():
    for item in WRITTEN:
        for office in item.offices:
            assert office.name.zh in item.summary.zh, (_id(item), office.name.zh)
            assert office.name.en.lower() in item.summary.en.lower(), (_id(item), office.name.en)
        assert f"{item.deadline[:4]}年{int(item.deadline[5:])}月" in item.summary.zh, _id(item)


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
