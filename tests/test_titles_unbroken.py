"""An action area's title and a poster's title keep their figures on one line (templating.unbroken), as work
point titles do: today's areas hold none, but a plan's area may ("15分钟生活圈"), and a 360 px line in care mode
could end in "15" with "分钟生活圈" on the next. The area titles here are the real ones with a figure added."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PLAN = "2023-city-management"
KEPT_ZH, KEPT_EN = '<span class="nowrap">15分钟</span>', '<span class="nowrap">35 lifts</span>'


@pytest.fixture
def app(app_factory, tmp_path):
    """The real content, area 1 named with a figure in both languages."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    folder = content / "plans" / PLAN
    notice = folder / "notice.txt"
    notice.write_text(notice.read_text(encoding="utf-8").replace("一、开展公共空间品质提升行动", "一、开展15分钟公共空间品质提升行动"),
                      encoding="utf-8")
    sections = yaml.safe_load((folder / "sections.yaml").read_text(encoding="utf-8"))
    sections["1"]["en"] = "Better public spaces and 35 lifts"
    (folder / "sections.yaml").write_text(yaml.safe_dump(sections, allow_unicode=True), encoding="utf-8")
    return app_factory(CONTENT_DIR=str(content))


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang, kept", [("zh", KEPT_ZH), ("en", KEPT_EN)])
@pytest.mark.parametrize("page", ["", "items/", "items/1.2"])
def test_an_action_areas_title_keeps_its_figures(client, lang, kept, page):
    """The home page's list of areas, the list of work points and an item page's breadcrumb."""
    assert kept in _get(client, f"/{lang}/plans/{PLAN}/{page}")


def test_the_areas_chinese_name_keeps_its_figures_beside_the_english(client):
    """The notice page's headings and, on an English area page, the area's official Chinese name."""
    assert KEPT_ZH in _get(client, f"/zh/plans/{PLAN}/notice")
    assert f'<p class="official-name" lang="zh-Hans">开展{KEPT_ZH}' in _get(client, f"/en/plans/{PLAN}/areas/1")


@pytest.mark.parametrize("page", ["/staff/items/", f"/staff/plans/{PLAN}"])
def test_the_staff_lists_keep_an_areas_figures(staff_client, page):
    editor = staff_client("editor")
    editor.set_cookie("lang", "en")
    assert KEPT_EN in _get(editor, page)


def test_a_posters_title_and_summary_keep_their_figures(client):
    """A poster is printed, and read on a phone before that: "E-bike charging sites in 23 older estates"."""
    html = _get(client, f"/en/plans/{PLAN}/items/5.1.3/poster")
    assert '<h1 class="poster-title">E-bike charging sites in <span class="nowrap">23 older</span> estates</h1>' in html
    assert 'upgraded in <span class="nowrap">23 older</span> residential estates' in html
    assert '<p class="poster-other" lang="zh-Hans">' in html
    zh = _get(client, f"/zh/plans/{PLAN}/items/5.1.3/poster")
    assert '<p class="poster-other" lang="en">E-bike charging sites in <span class="nowrap">23 older</span> estates</p>' in zh
