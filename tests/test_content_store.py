"""Content validation: a broken file stops the load with a message naming the file and the field."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from portal.content import ContentError, load_content

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def content_copy(tmp_path):
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    return dest


def _edit(path: Path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_real_content_loads_thirty_items():
    store = load_content(CONTENT)
    assert len(store.items) == 30
    assert len(store.sections) == 8
    assert all(i.title.zh and i.title.en for i in store.items)
    assert {o.name.zh for i in store.items for o in i.offices} <= {o.name.zh for o in store.offices}


def test_office_without_english_name(content_copy):
    _edit(content_copy / "offices.yaml", lambda d: d[0].pop("en"))
    with pytest.raises(ContentError, match=r"content/offices\.yaml\[0\]: en: Field required"):
        load_content(content_copy)


def test_missing_office_record_names_the_office(content_copy):
    _edit(content_copy / "offices.yaml", lambda d: d.remove(next(o for o in d if o["zh"] == "平安办")))
    with pytest.raises(ContentError, match=r"content/offices\.yaml: zh: no record for office '平安办' \(work point 5\.1\.5\)"):
        load_content(content_copy)


def test_target_phrase_must_be_in_official_text(content_copy):
    _edit(content_copy / "plans/2023-city-management" / "items" / "2.3.yaml", lambda d: d["targets"][0].update(phrase="开工指标99台"))
    with pytest.raises(ContentError, match=r"content/plans/2023-city-management/items/2\.3\.yaml: targets\.0\.phrase"):
        load_content(content_copy)


def test_counting_stage_must_be_a_site_stage(content_copy):
    _edit(content_copy / "plans/2023-city-management" / "items" / "2.3.yaml", lambda d: d["targets"][1].update(counts_from="built"))
    with pytest.raises(ContentError, match=r"items/2\.3\.yaml: targets\.1\.counts_from: Input should be 'consultation', 'construction' or 'completed'"):
        load_content(content_copy)


def test_english_of_a_glossary_explanation_is_checked_too(content_copy):
    _edit(content_copy / "glossary.yaml", lambda d: d[0].update(explain_en="Lifts 加装 for older blocks"))
    with pytest.raises(ContentError, match=r"content/glossary\.yaml\[0\]: explain_en: Value error, English text contains Chinese"):
        load_content(content_copy)


def test_search_suggestions_are_read_from_content():
    store = load_content(CONTENT)
    assert store.suggestions.get("zh")[0] == "加装电梯" and store.suggestions.get("en")[0] == "lift"


def test_english_field_with_chinese_is_refused(content_copy):
    _edit(content_copy / "plans/2023-city-management" / "items" / "1.1.yaml", lambda d: d["title"].update(en="张江 beautiful streets"))
    with pytest.raises(ContentError, match=r"content/plans/2023-city-management/items/1\.1\.yaml: title\.en: Value error, English text contains Chinese"):
        load_content(content_copy)


def test_overlong_title_is_refused(content_copy):
    _edit(content_copy / "plans/2023-city-management" / "items" / "1.1.yaml", lambda d: d["title"].update(zh="很" * 21))
    with pytest.raises(ContentError, match=r"content/plans/2023-city-management/items/1\.1\.yaml: title: Value error, zh title is 21 characters"):
        load_content(content_copy)


def test_unknown_place_is_refused(content_copy):
    _edit(content_copy / "plans/2023-city-management" / "items" / "2.5.yaml", lambda d: d["places"].append("atlantis"))
    with pytest.raises(ContentError, match=r"content/plans/2023-city-management/items/2\.5\.yaml: places\.\d+: unknown place 'atlantis'"):
        load_content(content_copy)


def test_item_file_for_unknown_code(content_copy):
    (content_copy / "plans/2023-city-management" / "items" / "9.9.yaml").write_text("code: '9.9'\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"content/plans/2023-city-management/items/9\.9\.yaml: code: no work point 9\.9"):
        load_content(content_copy)


def test_invalid_yaml_names_the_file(content_copy):
    (content_copy / "places.yaml").write_text("- slug: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"content/places\.yaml: not valid YAML"):
        load_content(content_copy)


def test_broken_notice_names_the_line(content_copy):
    path = content_copy / "plans/2023-city-management" / "notice.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("（责任部门：平安办；时间节点：9月）", "（责任部门：平安办；时间节点：每季度）"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"content/plans/2023-city-management/notice\.txt: line \d+ “5\. 持续推进智能安防.+”: cannot read the deadline '每季度'"):
        load_content(content_copy)


def test_load_content_cli_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["load-content"])
    second = runner.invoke(args=["load-content"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "0 added" in second.output
    from portal.extensions import db
    from portal.models import WorkItem

    with app.app_context():
        assert db.session.query(WorkItem).count() == 30
