"""The honesty check (portal/content/honesty.py) on a small sample plan: an invented figure, date or place in
one work point is named by `flask plans check` and refuses publishing; a clean work point passes; load-content
only warns. Also the audit's case: a figure changed in the 2023 plan while a later plan exists."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from portal.content.honesty import figures_in
from portal.services.plans import check_plan
from test_plans_import import NOTICE_2024, SLUG, _edit_item, _flask, content_with_2024

ROOT = Path(__file__).resolve().parent.parent
# Work point 1.2 of the sample notice: 完成 20 个居委绿色社区达标创建 (年底前, 规建办).
INVENTED = {"zh": "镇里要让50个居委达到绿色社区标准，环东村先做，投入500万元，期限为2024年3月，由规建办负责。",
            "en": "50 committees are to meet the standard. Deadline: March 2024. Responsible: Planning Office."}
# Work point 1.1.2: 推进口袋公园建设，新建口袋公园 3 个 (全年, 规建办). Figures in other forms than the notice's.
CLEAN = {"zh": "镇里今年要新建三个口袋公园（街边的小型公园），期限为二〇二四年１２月，由规建办负责。",
         "en": "Three small pocket parks: 3 new ones. Deadline: December 2024. Responsible: Planning Office."}


@pytest.fixture
def sample(tmp_path) -> Path:
    """content/ with the 2024 sample notice imported, unpublished, one item invented and one clean."""
    content = content_with_2024(tmp_path)
    folder = content / "plans" / SLUG
    _edit_item(folder, "1.2", title={"zh": "绿色社区", "en": "Green neighbourhoods"}, summary=INVENTED)
    _edit_item(folder, "1.1.2", title={"zh": "口袋公园", "en": "Pocket parks"}, summary=CLEAN)
    return content


def _publish(content: Path) -> None:
    plan_file = content / "plans" / SLUG / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("published: false", "published: true"),
                         encoding="utf-8")


def test_an_invented_figure_date_or_place_is_named_and_a_clean_item_passes(sample):
    result = check_plan(sample, SLUG)
    where = {(p.file, p.field, p.figure) for p in result.invented}
    item = f"content/plans/{SLUG}/items/1.2.yaml"
    assert where == {(item, "summary.zh", "50"), (item, "summary.zh", "环东村"), (item, "summary.zh", "500万"),
                     (item, "summary.zh", "3月"), (item, "summary.en", "50"), (item, "summary.en", "March")}
    assert not result.failing  # unpublished: reported only
    _publish(sample)
    assert check_plan(sample, SLUG).failing
    checked = _flask("plans", "check", SLUG, content=sample)
    assert checked.returncode == 1
    assert f"not in the notice: {item}: summary.zh: “500万” is not in the notice's text of work point 1.2" in checked.stdout
    assert "1.1.2.yaml" not in checked.stdout


def test_publishing_refuses_a_plan_with_an_invented_figure_and_load_content_only_warns(sample, tmp_path):
    source = tmp_path / "notice-2024.txt"
    refused = _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=sample)
    assert refused.returncode != 0 and "cannot publish" in refused.stderr and "“50”" in refused.stderr
    plan_file = sample / "plans" / SLUG / "plan.yaml"
    assert yaml.safe_load(plan_file.read_text(encoding="utf-8"))["published"] is False  # left as it was
    # Corrected, it publishes.
    _edit_item(sample / "plans" / SLUG, "1.2", summary={"zh": "", "en": ""})
    assert _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=sample).returncode == 0
    assert yaml.safe_load(plan_file.read_text(encoding="utf-8"))["published"] is True
    # A slip written into the published plan afterwards: the site still starts, load-content warns.
    _edit_item(sample / "plans" / SLUG, "1.2", summary=INVENTED)
    assert _flask("db", "upgrade", content=sample).returncode == 0
    loaded = _flask("load-content", content=sample)
    assert loaded.returncode == 0 and "warning: not in the notice" in loaded.stderr and "500万" in loaded.stderr


def test_a_changed_figure_in_an_older_plan_is_caught_once_a_newer_plan_exists(sample):
    """The audit: with a 2024 plan imported the tests only loaded the newest plan, so 35 → 45 in 2023 passed."""
    _publish(sample)
    item = sample / "plans" / "2023-city-management" / "items" / "1.2.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("让35个居委", "让45个居委"), encoding="utf-8")
    assert [(p.field, p.figure) for p in check_plan(sample, "2023-city-management").invented] == [("summary.zh", "45")]


def test_figures_are_read_in_the_forms_writers_use():
    values = [f.value for f in figures_in("１．１万平方米、110,000 m²、三十五个、二〇二三年、95％，一项工作，by March 2024; residents may ask")]
    assert values == [11000, 110000, 95, 2024, 35, 2023, 3]


def test_the_documented_order_of_steps_ends_with_a_green_check(tmp_path):
    """docs/plans.md: import, write the titles, check, publish with --publish again, check: exit 0 throughout."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    assert _flask("plans", "import", str(source), "--slug", SLUG, content=content).returncode == 0
    folder = content / "plans" / SLUG
    for code in ("1.1.1", "1.1.2", "1.2", "2.1", "2.2"):
        _edit_item(folder, code, title={"zh": f"要点{code}", "en": f"Work point {code}"})
    assert _flask("plans", "check", SLUG, content=content).returncode == 0
    published = _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=content)
    assert published.returncode == 0 and "without a title" not in published.stdout
    assert _flask("plans", "check", content=content).returncode == 0


def test_english_number_words_are_figures(tmp_path):
    """Work point 2.1 holds 40 (意愿征询指标 40 台), 1.2 holds 20: written out, the notice's figures pass and
    others do not."""
    content = content_with_2024(tmp_path)
    folder = content / "plans" / SLUG
    _edit_item(folder, "2.1", summary={"zh": "", "en": "Thirty-five lift consultations; the target is forty."})
    _edit_item(folder, "1.2", summary={"zh": "", "en": "Twenty committees, fifteen sites, one hundred and ten homes. "
                                                     "No one is left out; each one of the tasks counts."})
    found = {(p.file.rsplit("/", 1)[-1], p.figure) for p in check_plan(content, SLUG).invented}
    assert found == {("2.1.yaml", "Thirty-five"), ("1.2.yaml", "fifteen"), ("1.2.yaml", "one hundred and ten")}


def test_english_number_words_are_read_as_writers_write_them():
    text = "a dozen sites, twenty one, two thousand and twenty-four, thirty-five and twenty, the twenty-first day"
    assert [f.value for f in figures_in(text)] == [12, 21, 2024, 35, 20]
    # "one" on its own is the pronoun or the article, as 一 is in Chinese: not a figure.
    assert figures_in("one of the tasks, no one, each one, a one-stop service, grade-one stations") == []


ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _english(n: int, hyphen: bool, british_and: bool) -> str:
    """n (1..999) in words: "three hundred and forty-two", or "three hundred forty two"."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    below = ONES[rest] if rest < 20 else TENS[tens] + (("-" if hyphen else " ") + ONES[ones] if ones else "")
    if not hundreds:
        return below
    return f"{ONES[hundreds]} hundred" + ((" and " if british_and else " ") + below if rest else "")


@given(st.integers(1, 999), st.booleans(), st.booleans(), st.booleans())
def test_english_words_for_every_number_below_a_thousand_read_back(n, hyphen, british_and, capital):
    words = _english(n, hyphen, british_and)
    words = words.capitalize() if capital else words
    read = sorted(f.value for f in figures_in(f"The town counts {words} sites in 2024."))
    assert read == ([n, 2024] if n > 1 else [2024]), words  # a lone "one" is not a figure (see above)
