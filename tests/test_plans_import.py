"""Plans as content: the 2023 plan's folder, `flask plans import` on .txt/.docx/PDF notices, `plans check`."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.content import ContentError, load_content, load_plans
from portal.content.importer import plan_record
from portal.content.normalize import normalise, standard_characters
from portal.content.parser import parse_notice
from portal.services.plans import check_plans, import_notice
from test_parser import EXPECTED

ROOT = Path(__file__).resolve().parent.parent
PLAN_2023 = ROOT / "content" / "plans" / "2023-city-management"
# sha256 of content/notice.txt before it moved (commit e20c456): the official text is byte-identical.
NOTICE_2023_SHA256 = "90e5d70c617b960e5c3f871e535b23b18204bb2c5acc19c706855783636ab573"

# A second year's notice written for these tests (not a real document): changed items and every
# variant the importer reads, with the blemishes of real exports (stray spaces, [] in the number,
# full-width digits).
NOTICE_2024 = """浦东新区张江镇人民政府

浦张府[2024] 12 号

张江镇人民政府关于印发《张江镇2024年城市管理精细化工作要点》的通知

镇机关各办公室、镇属各企事业单位，各居（村）委、相关单位：

现将《张江镇2024年城市管理精细化工作要点》印发给你们，请认真对照执行。

上海市浦东新区张江镇人民政府

2024 年 3 月 15 日

张江镇 2024 年城市管理精细化工作要点

为深入践行“人民城市人民建、人民城市为人民”重要理念，特制定本镇 2024 年城市管理精细化工作要点。

一、开展公共空间品质提升行动

（一）实施高品质美丽街区建设。

1. 巩固第二批市级“美丽街区”建设成果，完成张江路沿线街区改造，提升街区整体环境品质和管理水平。（牵头单位：城运办；配合单位：规建办、城建中心；时间节点：９月底前）

2. 推进口袋公园建设，新建口袋公园 3 个。（责任部门：规建办；时间节点：全年）

（二）开展绿色社区创建。

完成 20 个居委绿色社区达标创建。（责任部门：规建办；时间节点：年底前）

二、开展居住小区品质提升行动

（一）推进既有多层住宅加装电梯。

全年完成意愿征询指标 40 台。（牵头单位：社建办；配合单位：城建中心（房办）；时间节点：持续推进）

（二）深化“美丽家园”建设。

完成老旧小区综合改造，改造结束后开展居民满意度测评。（责任部门：城建中心（房办）；时间节点：2025年3月底前）
"""

EXPECTED_2024 = {
    "1.1.1": (["城运办", "规建办", "城建中心"], ["规建办", "城建中心"], "2024-09", "9月底前"),
    "1.1.2": (["规建办"], [], "2024-12", "全年"),
    "1.2": (["规建办"], [], "2024-12", "年底前"),
    "2.1": (["社建办", "城建中心（房办）"], ["城建中心（房办）"], "2024-12", "持续推进"),
    "2.2": (["城建中心（房办）"], [], "2025-03", "2025年3月底前"),
}
SLUG = "2024-city-management"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _flask(*args: str, content: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_CONTENT_DIR": str(content), "PORTAL_INSTANCE_DIR": str(content.parent / "instance")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def content_with_2024(tmp_path: Path, slug: str = SLUG) -> Path:
    """A copy of content/ with the sample 2024 notice imported beside the 2023 plan (unpublished)."""
    from portal.services.plans import import_notice

    dest = tmp_path / "content"
    shutil.copytree(ROOT / "content", dest)
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    import_notice(source, slug, dest, dry_run=False)
    return dest


@pytest.fixture
def content(tmp_path):
    dest = tmp_path / "content"
    shutil.copytree(ROOT / "content", dest)
    return dest


def test_the_2023_notice_moved_byte_identical_and_is_the_current_plan():
    assert hashlib.sha256((PLAN_2023 / "notice.txt").read_bytes()).hexdigest() == NOTICE_2023_SHA256
    plan = yaml.safe_load((PLAN_2023 / "plan.yaml").read_text(encoding="utf-8"))
    store = load_content(ROOT / "content")
    assert store.plan.slug == "2023-city-management" and plan["published"] is True
    # Every fact in plan.yaml is what the importer reads from the notice itself; a writer added the English.
    parsed = parse_notice(normalise((PLAN_2023 / "notice.txt").read_text(encoding="utf-8")))
    english = {"title_en": "Zhangjiang Town's 2023 work points for refined urban management",
               "issuer_en": "Zhangjiang Town People's Government, Pudong New Area"}
    assert plan == plan_record(parsed, "2023-city-management", None, published=True, written=english)
    assert (plan["number"], plan["date"], plan["year"]) == ("浦张府〔2023〕45号", "2023-06-21", 2023)


def test_dry_run_of_the_real_notice_lists_thirty_items_with_offices_and_months(content):
    # The notice is already in 2023-city-management, so a dry run into any other folder is refused.
    result = _flask("plans", "import", str(PLAN_2023 / "notice.txt"), "--slug", "2023-city-management", "--dry-run",
                    content=content)
    before = _tree(content / "plans" / "2023-city-management")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "30 work points" in lines and not any(line.startswith("cannot read") for line in lines)
    for code, (offices, month) in EXPECTED.items():
        row = next(line.strip() for line in lines if line.strip().startswith(code + " ["))
        assert row.startswith(f"{code} [{'、'.join(offices)}] {month}"), row
    assert _tree(content / "plans" / "2023-city-management") == before  # a dry run writes nothing


def _check_2024(planned) -> None:
    assert planned.problems == []
    got = {i.code: (i.offices, i.supporting, i.deadline, i.when) for i in planned.notice.items}
    assert got == EXPECTED_2024
    assert planned.notice.number == "浦张府〔2024〕12号" and planned.notice.date == "2024-03-15"
    assert "新建口袋公园3个" in planned.notice.items[1].official_text  # the stray spaces are gone


def test_txt_notice_imports_as_an_unpublished_plan_with_empty_plain_text(content, tmp_path):
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    planned, outcome = import_notice(source, SLUG, content, dry_run=False)
    _check_2024(planned)
    folder = content / "plans" / SLUG
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    assert plan == {"slug": SLUG, "issuer": "浦东新区张江镇人民政府", "issuer_en": "", "number": "浦张府〔2024〕12号",
                    "date": "2024-03-15", "title": "张江镇2024年城市管理精细化工作要点", "title_en": "", "year": 2024,
                    "kind": "city-management", "published": False}
    item = yaml.safe_load((folder / "items" / "2.2.yaml").read_text(encoding="utf-8"))
    assert item["title"] == {"zh": "", "en": ""} and item["summary"] == {"zh": "", "en": ""}
    assert item["official"] == "完成老旧小区综合改造，改造结束后开展居民满意度测评。"
    store = load_content(content, SLUG)
    assert [i.code for i in store.items] == list(EXPECTED_2024) and not any(i.plain for i in store.items)
    assert load_content(content).plan.slug == "2023-city-management"  # unpublished: the site keeps 2023


def test_docx_notice_reads_like_the_txt(content, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in NOTICE_2024.split("\n\n"):
        document.add_paragraph(paragraph.strip())
    source = tmp_path / "notice-2024.docx"
    document.save(str(source))
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    _check_2024(planned)


def test_docx_notice_with_its_letterhead_and_a_work_point_in_tables_reads_like_the_txt(content, tmp_path):
    docx = pytest.importorskip("docx")
    paragraphs = [p.strip() for p in NOTICE_2024.split("\n\n")]
    document = docx.Document()
    letterhead = document.add_table(rows=1, cols=2)
    letterhead.cell(0, 0).text, letterhead.cell(0, 1).text = paragraphs[0], paragraphs[1]
    green = paragraphs.index("（二）开展绿色社区创建。")
    for paragraph in paragraphs[2:green]:
        document.add_paragraph(paragraph)
    box = document.add_table(rows=2, cols=2)
    box.cell(0, 0).merge(box.cell(0, 1)).text = paragraphs[green]  # a merged cell is read once
    box.cell(1, 0).merge(box.cell(1, 1)).text = paragraphs[green + 1]
    for paragraph in paragraphs[green + 2:]:
        document.add_paragraph(paragraph)
    source = tmp_path / "notice-2024.docx"
    document.save(str(source))
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    _check_2024(planned)


def test_docx_notice_numbered_by_word_is_refused_naming_the_paragraph(content, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in NOTICE_2024.split("\n\n"):
        number = re.match(r"\d\. ", paragraph.strip())
        if number:  # Word's List Number style draws 1. 2. itself; they are not in the text
            document.add_paragraph(paragraph.strip()[number.end():], style="List Number")
        else:
            document.add_paragraph(paragraph.strip())
    source = tmp_path / "notice-2024.docx"
    document.save(str(source))
    result = _flask("plans", "import", str(source), "--slug", SLUG, "--dry-run", content=content)
    assert result.returncode != 0
    assert "“巩固第二批市级“美丽街区”建设成果，完成张江路沿线街区改造，…” and 1 more" in result.stderr
    assert "automatic numbering" in result.stderr and "plain text (.txt)" in result.stderr


def _chromium_pdf(html: str, tmp_path: Path) -> Path:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI")
        pytest.skip("chromium not installed")
    page, out = tmp_path / "page.html", tmp_path / "out.pdf"
    page.write_text(html, encoding="utf-8")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
                    f"--print-to-pdf={out}", "--no-pdf-header-footer", page.as_uri()],
                   check=True, capture_output=True, timeout=90)
    return out


def test_pdf_with_a_page_break_inside_a_sentence_reads_like_the_txt(content, tmp_path):
    first, rest = "1. 巩固第二批市级“美丽街区”建设成果，完成张江路", "沿线街区改造，提升街区整体环境品质和管理水平。"
    body = NOTICE_2024.replace(first + rest, first + "\n\n- 1 -\n\n@@BREAK@@" + rest)
    paragraphs = []
    for para in body.split("\n\n"):
        if para.startswith("@@BREAK@@"):
            paragraphs.append(f'<p class="next-page">{para.removeprefix("@@BREAK@@")}</p>')
        else:
            paragraphs.append(f"<p>{para.strip()}</p>")
    html = ('<!doctype html><html lang="zh"><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",sans-serif}'
            ".next-page{break-before:page}</style><body>" + "".join(paragraphs) + "</body></html>")
    source = _chromium_pdf(html, tmp_path)
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    _check_2024(planned)
    assert planned.notice.items[0].official_text.startswith(first.removeprefix("1. ") + rest)


def test_second_import_changes_nothing_and_keeps_a_writers_text(content, tmp_path):
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    assert _flask("plans", "import", str(source), "--slug", SLUG, content=content).returncode == 0
    folder = content / "plans" / SLUG
    item = folder / "items" / "1.2.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("title:\n  zh: ''", "title:\n  zh: 绿色社区"), encoding="utf-8")
    before = _tree(folder)
    again = _flask("plans", "import", str(source), "--slug", SLUG, content=content)
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout and "items/1.2.yaml" in again.stdout
    assert _tree(folder) == before


def test_a_second_import_keeps_the_writers_english_of_plan_yaml(content, tmp_path):
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    import_notice(source, SLUG, content, dry_run=False)
    plan_file = content / "plans" / SLUG / "plan.yaml"
    english = {"title_en": "Zhangjiang Town's 2024 work points", "issuer_en": "Zhangjiang Town People's Government"}
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan_file.write_text(yaml.safe_dump({**plan, **english}, allow_unicode=True), encoding="utf-8")
    import_notice(source, SLUG, content, dry_run=False)
    again = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    assert again == {**plan, **english}
    assert load_content(content, SLUG).plan.title_en == english["title_en"]


def test_plan_english_fields_refuse_chinese(content):
    plan_file = PLAN_2023.relative_to(ROOT / "content")
    path = content / plan_file / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title_en: Zhangjiang", "title_en: 张江 Zhangjiang"),
                    encoding="utf-8")
    with pytest.raises(ContentError, match="title_en"):
        load_content(content)


def test_broken_items_are_each_named_by_line_and_nothing_is_written(content, tmp_path):
    broken = NOTICE_2024.replace("（责任部门：规建办；时间节点：全年）", "（责任部门：规建办；时间节点：尽快）")
    broken = broken.replace("（责任部门：规建办；时间节点：年底前）", "")
    source = tmp_path / "broken.txt"
    source.write_text(broken, encoding="utf-8")
    dry = _flask("plans", "import", str(source), "--slug", SLUG, "--dry-run", content=content)
    assert dry.returncode != 0  # the import would fail
    problems = [line for line in dry.stdout.splitlines() if line.startswith("cannot read")]
    # Each names its line and quotes it: a clerk with a .docx or PDF finds the words, not the number.
    assert problems[:2] == ["cannot read line 25 “2. 推进口袋公园建设，新建口袋公园3个。（责任部门：规建办…”: "
                            "cannot read the deadline '尽快'",
                            "cannot read line 29 “完成20个居委绿色社区达标创建。”: work point has no （责任部门：…；时间节点：…） clause"]
    assert "2.2 [城建中心（房办）] 2025-03" in dry.stdout  # the rest is still read
    real = _flask("plans", "import", str(source), "--slug", SLUG, content=content)
    assert real.returncode != 0 and "line 25" in real.stderr and not (content / "plans" / SLUG).exists()


def test_import_and_check_speak_chinese_in_a_chinese_terminal(app_factory, content, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    runner = app_factory(CONTENT_DIR=str(content)).test_cli_runner()
    source = tmp_path / "broken.txt"
    source.write_text(NOTICE_2024.replace("（责任部门：规建办；时间节点：年底前）", ""), encoding="utf-8")
    broken = runner.invoke(args=["plans", "import", str(source), "--slug", SLUG])
    assert broken.exit_code != 0
    assert "无法识别第 29 行“完成20个居委绿色社区达标创建。”：工作要点缺少（责任部门：…；时间节点：…）括注" in broken.stderr
    assert "有 2 行无法识别，未写入任何文件" in broken.stderr
    source.write_text(NOTICE_2024, encoding="utf-8")
    dry = runner.invoke(args=["plans", "import", str(source), "--slug", SLUG, "--dry-run"])
    assert f"计划 {SLUG}：浦张府〔2024〕12号" in dry.stdout and "共 5 条工作要点" in dry.stdout
    assert runner.invoke(args=["plans", "import", str(source), "--slug", SLUG]).exit_code == 0
    checked = runner.invoke(args=["plans", "check", SLUG])
    assert checked.exit_code == 0
    assert f"{SLUG}（未发布）：5 条工作要点" in checked.stdout and "缺少中文标题：5 条" in checked.stdout


def test_a_load_error_in_plans_check_is_chinese_in_a_chinese_terminal(app_factory, content, monkeypatch):
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    runner = app_factory(CONTENT_DIR=str(content)).test_cli_runner()
    (content / "plans" / "2023-city-management" / "items" / "9.9.yaml").write_text("code: '9.9'\n", encoding="utf-8")
    checked = runner.invoke(args=["plans", "check", "2023-city-management"])
    assert checked.exit_code == 1
    assert "错误：content/plans/2023-city-management/items/9.9.yaml: code：通知中没有工作要点 9.9" in checked.stdout
    assert "以下已发布的计划有缺标题的工作要点、通知中没有的数字、载入错误或 continues（延续）所指的工作要点不存在：2023-city-management" in checked.stderr


@pytest.mark.parametrize("lang", [None, "en_US.UTF-8"])
def test_import_speaks_english_in_any_other_terminal(app_factory, content, tmp_path, monkeypatch, lang):
    if lang:
        monkeypatch.setenv("LANG", lang)
    else:
        monkeypatch.delenv("LANG")
    source = tmp_path / "broken.txt"
    source.write_text(NOTICE_2024.replace("（责任部门：规建办；时间节点：年底前）", ""), encoding="utf-8")
    result = app_factory(CONTENT_DIR=str(content)).test_cli_runner().invoke(
        args=["plans", "import", str(source), "--slug", SLUG])
    assert ("cannot read line 29 “完成20个居委绿色社区达标创建。”: work point has no （责任部门：…；时间节点：…） clause"
            in result.stderr)


def test_unknown_offices_are_listed_not_invented(content, tmp_path):
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2024.replace("（责任部门：规建办；时间节点：全年）", "（责任部门：绿化新办；时间节点：全年）"), encoding="utf-8")
    result = _flask("plans", "import", str(source), "--slug", SLUG, content=content)
    assert "offices not in content/offices.yaml" in result.stdout and "绿化新办" in result.stdout
    assert "绿化新办" not in (content / "offices.yaml").read_text(encoding="utf-8")


def test_plans_check_fails_only_for_a_published_plan_with_an_untitled_item(content, tmp_path):
    assert _flask("plans", "check", content=content).returncode == 0  # the 2023 plan is complete
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    import_notice(source, SLUG, content, dry_run=False)
    unpublished = _flask("plans", "check", SLUG, content=content)
    assert unpublished.returncode == 0 and "no title zh: 5" in unpublished.stdout
    plan_file = content / "plans" / SLUG / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("published: false", "published: true"), encoding="utf-8")
    published = _flask("plans", "check", content=content)
    assert published.returncode == 1 and SLUG in published.stderr
    assert [r.slug for r in check_plans(content) if r.failing] == [SLUG]


def test_an_item_without_plain_text_shows_its_official_words_and_is_searchable(app_factory, content, tmp_path):
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    import_notice(source, SLUG, content, dry_run=False)
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN=SLUG)
    client = app.test_client()
    for lang, note in (("zh", "白话说明正在准备中"), ("en", "Plain-language summary in preparation")):
        html = client.get(f"/{lang}/plans/{SLUG}/items/2.2").get_data(as_text=True)
        assert note in html and "完成老旧小区综合改造，改造结束后开展居民满意度测评。" in html
        # The notice's own clause, verbatim: lead and supporting offices, and its deadline words.
        assert "（牵头单位：社建办；配合单位：城建中心（房办）；时间节点：持续推进）" in client.get(f"/{lang}/plans/{SLUG}/items/2.1").get_data(as_text=True)
    ongoing = client.get(f"/en/plans/{SLUG}/items/2.1").get_data(as_text=True)
    assert "ongoing: the notice sets no month" in ongoing
    from portal.search import index
    with app.app_context():
        index.build()
    found = client.get("/zh/search?q=满意度测评").get_data(as_text=True)
    assert "/zh/search/go/2.2?" in found  # result links count the click, then lead to /zh/plans/{SLUG}/items/2.2


_CJK = st.text(alphabet=st.sampled_from("张江镇城市管理完成个台年月"), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_CJK, st.integers(0, 9999)), min_size=1, max_size=5), st.lists(st.booleans(), min_size=10, max_size=10))
def test_stray_spaces_and_full_width_digits_never_change_the_text(parts, spaced):
    clean = "".join(f"{words}{number}" for words, number in parts) + "。"
    messy = ""
    for n, (words, number) in enumerate(parts):
        digits = str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９")) if spaced[n] else str(number)
        gap = " " if spaced[(n + 5) % 10] else ""
        messy += f"{words}{gap}{digits}{gap}"
    assert normalise(messy + "。") == normalise(clean) == clean + "\n"


def test_a_plans_own_places_add_to_the_shared_list_and_may_not_repeat_one(content):
    own = content / "plans" / "2023-city-management" / "places.yaml"
    own.write_text("- {slug: test-square, zh: 测试广场, en: Test Square, kind: town_area}\n", encoding="utf-8")
    assert load_content(content).place("test-square").name.zh == "测试广场"
    shared = yaml.safe_load((content / "places.yaml").read_text(encoding="utf-8"))[0]
    own.write_text(yaml.safe_dump([shared], allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"content/plans/2023-city-management/places\.yaml\[0\]: slug: .* is already in content/places\.yaml"):
        load_content(content)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size, text", [(850 * 1024, "850 kB"), (20 * 1024 * 1024, "20 MB"),
                                        (int(20.5 * 1024 * 1024), "20.5 MB"), (1536 * 1024 * 1024, "1,536 MB")])
def test_a_file_size_reads_as_kilobytes_below_a_megabyte_and_megabytes_above(app, lang, size, text):
    """The helper was called _megabytes and answered "850 KB": its name now says what it does. The figure and
    its unit are joined by a no-break space: "2" ending a 360 px line and "MB" starting the next (the staff
    upload label) is misread."""
    from flask_babel import force_locale

    from portal.content.readers import human_size

    with app.app_context(), force_locale(lang):
        assert human_size(size) == text.replace(" ", "\u00a0")


def test_current_plan_setting_names_an_existing_plan(content):
    with pytest.raises(ContentError, match="PORTAL_CURRENT_PLAN: no plan 'nope'"):
        load_content(content, "nope")


def test_running_headers_page_numbers_and_document_number_brackets_are_cleaned():
    page = "张江镇人民政府文件\n{body}\n第 {n} 页 共 3 页\n"
    text = "".join(page.format(body=body, n=n) for n, body in enumerate(
        ["浦张府［2024］12号", "完成老旧小区综合改造，改造", "结束后开展居民满意度测评。"], start=1))
    lines = normalise(text).splitlines()
    # Removed lines stay as blanks so a reported line number still points at the source line.
    assert len(lines) == 8 and lines[1] == "浦张府〔2024〕12号" and [line for line in lines if line] == [
        "浦张府〔2024〕12号", "完成老旧小区综合改造，改造", "结束后开展居民满意度测评。"]
    assert normalise("浦张府【2024】 12 号\n") == normalise("浦张府 [2024] 12号\n") == "浦张府〔2024〕12号\n"


def test_an_unwritten_items_heading_is_the_notices_own_words(content, tmp_path):
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    import_notice(source, SLUG, content, dry_run=False)
    for item in load_content(content, SLUG).items:
        official = item.official_text if item.number else item.subsection.title.zh
        assert official.startswith(item.title.zh) and item.summary.zh == "" and not item.plain


@pytest.mark.parametrize("pdf", [False, True])
def test_a_running_header_on_fewer_than_three_pages_is_not_read_into_a_work_point(content, tmp_path, pdf):
    """The notice's title set atop the pages after the first, in a notice of two or three pages: too few to
    tell by repetition, it was read into the work point it interrupted, as official text
    (“完成张江路张江镇2024年城市管理精细化工作要点沿线街区改造”). A line at a page's edge that repeats a line of
    the notice's head is a running header."""
    first, rest = "1. 巩固第二批市级“美丽街区”建设成果，完成张江路", "沿线街区改造，提升街区整体环境品质和管理水平。"
    header = "张江镇2024年城市管理精细化工作要点"
    if pdf:
        body = NOTICE_2024.replace(first + rest, first + "\n\n@@BREAK@@" + header + "\n\n" + rest)
        paragraphs = [f'<p class="next-page head">{para.removeprefix("@@BREAK@@")}</p>' if para.startswith("@@BREAK@@")
                      else f"<p>{para.strip()}</p>" for para in body.split("\n\n")]
        html = ('<!doctype html><html lang="zh"><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",'
                'sans-serif}.next-page{break-before:page}.head{text-align:center;font-size:small}</style><body>'
                + "".join(paragraphs) + "</body></html>")
        source = _chromium_pdf(html, tmp_path)
    else:
        source = tmp_path / "notice-2024.txt"
        source.write_text(NOTICE_2024.replace(first + rest, first + "\n\f" + header + "\n" + rest), encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=True)
    _check_2024(planned)
    assert planned.notice.items[0].official_text.startswith(first.removeprefix("1. ") + rest)


def test_the_real_2023_notice_as_a_pdf_reads_like_its_text(content, tmp_path):
    text = (PLAN_2023 / "notice.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in text.split("\n\n") if p.strip())
    html = ('<!doctype html><html lang="zh"><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",sans-serif}'
            "</style><body>" + paragraphs + "</body></html>")
    planned, _ = import_notice(_chromium_pdf(html, tmp_path), "2023-city-management", content, dry_run=True)
    expected = parse_notice(normalise(text))
    assert planned.problems == []
    assert [(i.code, i.offices, i.deadline, i.official_text) for i in planned.notice.items] == [
        (i.code, i.offices, i.deadline, i.official_text) for i in expected.items]
    assert (planned.notice.number, planned.notice.date, planned.notice.title) == (expected.number, expected.date, expected.title)


def test_the_2023_notice_printed_large_imports_though_heading_seven_wraps(content, tmp_path):
    """Printed as Word prints it (first lines indented, no paragraph spacing) at a size where heading 七
    wraps onto a line holding just 平: the reader joins wrapped lines by where they end on the page, not
    by counting characters, so the import reads what the .txt import reads."""
    text = (PLAN_2023 / "notice.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in text.split("\n\n") if p.strip())
    html = ('<!doctype html><html lang="zh"><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",'
            "sans-serif;font-size:26px}p{margin:0;text-indent:2em}</style><body>" + paragraphs + "</body></html>")
    pdf = _chromium_pdf(html, tmp_path)
    from pdfminer.high_level import extract_text
    assert "\n平\n" in extract_text(str(pdf))  # the layout did wrap the heading
    result = _flask("plans", "import", str(pdf), "--slug", "2023-city-management", "--dry-run", content=content)
    assert result.returncode == 0, result.stderr
    planned, _ = import_notice(pdf, "2023-city-management", content, dry_run=True)
    expected = parse_notice(normalise(text))
    assert planned.problems == []
    assert [s.title for s in planned.notice.sections][6] == "坚持改革创新，提升法制化、标准化、社会化建设水平"
    assert [(i.code, i.offices, i.deadline, i.when, i.official_text) for i in planned.notice.items] == [
        (i.code, i.offices, i.deadline, i.when, i.official_text) for i in expected.items]


TITLE_2024 = "张江镇人民政府关于印发《张江镇2024年城市管理精细化工作要点》的通知"


@pytest.mark.parametrize("title,size,wrapped", [
    # Wrapped by the layout after 《…》 (so no open bracket holds the lines together): a full first line.
    (TITLE_2024, 24, "工作要点》\n的通知"),
    (TITLE_2024.replace("关于印发", "关于印发<br>"), 30, "关于印发\n《"),  # broken by hand, as offices do
])
def test_a_centred_title_on_two_lines_is_one_title(content, tmp_path, title, size, wrapped):
    """Set as a notice is (issuer, 文号 and title centred in sizes of their own, the body's heading centred
    above its text): the title's two lines are joined, and nothing else centred joins them."""
    head, body = NOTICE_2024.split("\n\n镇机关各办公室", 1)
    issuer, number, _title = head.split("\n\n")
    paragraphs = [f'<p class="c" style="font-size:26px">{issuer}</p>', f'<p class="c">{number}</p>',
                  f'<p class="c" style="font-size:{size}px">{title}</p>']
    for para in ("镇机关各办公室" + body).split("\n\n"):
        centred = para.strip() == "张江镇 2024 年城市管理精细化工作要点"
        paragraphs.append(('<p class="c">' if centred else "<p>") + para.strip() + "</p>")
    html = ('<!doctype html><html lang="zh"><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",sans-serif;'
            "font-size:16px}.c{text-align:center}</style><body>" + "".join(paragraphs) + "</body></html>")
    pdf = _chromium_pdf(html, tmp_path)
    from pdfminer.high_level import extract_text
    assert wrapped in standard_characters(extract_text(str(pdf)))  # the title did wrap there
    planned, _ = import_notice(pdf, SLUG, content, dry_run=True)
    _check_2024(planned)
    assert planned.notice.title == TITLE_2024
    assert planned.notice.body_title == "张江镇2024年城市管理精细化工作要点"


def test_separate_centred_lines_stay_apart():
    """Lines on a page 500 wide (50 to 550), body text 16 high with 20 between lines."""
    from portal.content.readers import _Line, _paragraphs

    def centred(text: str, y: float, size: float = 16) -> _Line:
        width = len(text) * size
        return _Line(text, 300 - width / 2, 300 + width / 2, y, size, size)

    def body(text: str, y: float, x0: float = 50, x1: float = 550) -> _Line:
        return _Line(text, x0, x1, y, 16, 16)

    lines = [
        centred("浦张府〔2024〕12号", 760),
        # The title right below the 文号, with no more than the leading between them, in its own size.
        centred("关于印发《张江镇2024年城市管理工作要点》", 730, 20), centred("的通知", 704, 20),
        centred("张江镇2024年城市管理工作要点", 650),
        body("为深入践行“人民城市人民建、人民城市为人民”重要理念，……", 630, x0=82),  # an indented first line
        body("特制定本镇工作要点，全文共计三十一个字。", 610),  # a full last line, centred as it spans the page
        centred("附件", 590),
        centred("工作要点说明", 550),  # a blank line's height above it
        body("正文从左边起，一行写满。", 530),
    ] + [body("正文" * 15, 500 - 20 * n) for n in range(8)]
    assert _paragraphs([lines])[:8] == [
        "浦张府〔2024〕12号", "关于印发《张江镇2024年城市管理工作要点》的通知", "张江镇2024年城市管理工作要点",
        "为深入践行“人民城市人民建、人民城市为人民”重要理念，……特制定本镇工作要点，全文共计三十一个字。", "附件",
        "工作要点说明", "正文从左边起，一行写满。", "正文" * 15 * 8]


def test_one_command_imports_and_publishes_next_years_plan_beside_2023(content, tmp_path, app_factory):
    """The done-when of issue 12: `plans import --publish` alone puts the 2024 plan on the site, items in
    the notice's words with the plain-language text "in preparation", and the 2023 plan stays current."""
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    result = _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=content)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((content / "plans" / SLUG / "plan.yaml").read_text(encoding="utf-8"))["published"] is True
    client = app_factory(CONTENT_DIR=str(content)).test_client()
    assert f'href="/en/plans/{SLUG}/"' in client.get("/en/plans/").get_data(as_text=True)
    page = client.get(f"/en/plans/{SLUG}/items/2.2").get_data(as_text=True)
    assert "完成老旧小区综合改造" in page and "Plain-language summary in preparation" in page
    assert "浦张府〔2024〕12号" in client.get("/zh/").get_data(as_text=True)  # the newest published is current
    # Addresses from before plans had their own pages still mean the 2023 plan they were published for.
    moved = client.get("/zh/items/2.2")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/zh/plans/2023-city-management/items/2.2")
    assert "完成老旧小区综合改造" not in client.get("/api/v1/items/2.2").get_data(as_text=True)
    assert "完成老旧小区综合改造" in client.get(f"/api/v1/plans/{SLUG}/items/2.2").get_data(as_text=True)


def test_a_plan_with_unknown_offices_is_not_published(content, tmp_path):
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2024.replace("（责任部门：规建办；时间节点：全年）", "（责任部门：绿化新办；时间节点：全年）"), encoding="utf-8")
    result = _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=content)
    assert result.returncode != 0 and "cannot publish" in result.stderr and "绿化新办" in result.stderr
    assert not (content / "plans" / SLUG).exists()


# --- a corrected notice imported again; an import that fails halfway ----------------------------------

# The 2024 notice as corrected after publication: one figure changed (3 → 4 pocket parks) and
# subsection 1.2 (work point 1.2) struck out.
NOTICE_2024_CORRECTED = NOTICE_2024.replace("新建口袋公园 3 个", "新建口袋公园 4 个").replace(
    "（二）开展绿色社区创建。\n\n完成 20 个居委绿色社区达标创建。（责任部门：规建办；时间节点：年底前）\n\n", "")
POCKET_PARKS = {"key": "pocket_parks", "metric": {"zh": "口袋公园", "en": "Pocket parks"}, "value": 3,
                "unit": {"zh": "个", "en": "parks"}, "phrase": "新建口袋公园3个"}


def _edit_item(folder: Path, code: str, **fields) -> None:
    path = folder / "items" / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**data, **fields}, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _published_2024(content: Path, tmp_path: Path) -> Path:
    """The 2024 notice imported with --publish, a writer's title and target on work point 1.1.2."""
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    assert _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=content).returncode == 0
    folder = content / "plans" / SLUG
    _edit_item(folder, "1.1.2", title={"zh": "新建口袋公园", "en": "New pocket parks"}, targets=[POCKET_PARKS])
    return folder


def test_a_corrected_notice_imported_again_rewrites_the_official_text_and_the_site_still_starts(content, tmp_path, app_factory):
    folder = _published_2024(content, tmp_path)
    corrected = tmp_path / "notice-2024-corrected.txt"
    corrected.write_text(NOTICE_2024_CORRECTED, encoding="utf-8")
    result = _flask("plans", "import", str(corrected), "--slug", SLUG, "--publish", content=content)
    assert result.returncode == 0, result.stderr
    # The notice's words are the notice's: rewritten; the writer's title stays; the target whose phrase
    # left the text is dropped and named; the struck-out work point's file goes and is named.
    item = yaml.safe_load((folder / "items" / "1.1.2.yaml").read_text(encoding="utf-8"))
    assert item["official"] == "推进口袋公园建设，新建口袋公园4个。" and item["title"]["zh"] == "新建口袋公园"
    assert item["targets"] == [] and "pocket_parks" in result.stdout
    assert "official text changed" in result.stdout and "items/1.1.2.yaml" in result.stdout
    assert not (folder / "items" / "1.2.yaml").exists() and "items/1.2.yaml" in result.stdout
    assert [i.code for i in load_content(content, SLUG).items] == ["1.1.1", "1.1.2", "2.1", "2.2"]
    assert _flask("plans", "check", SLUG, content=content).returncode == 1  # loads; fails only for untitled items
    assert app_factory(CONTENT_DIR=str(content)).test_client().get(f"/zh/plans/{SLUG}/items/1.1.2").status_code == 200
    assert not [p.name for p in (content / "plans").iterdir() if p.name.startswith(".")]  # no staging folder left


def test_an_import_that_fails_halfway_or_does_not_load_leaves_the_plan_as_it_was(content, tmp_path, monkeypatch):
    folder = _published_2024(content, tmp_path)
    before = _tree(folder)
    corrected = tmp_path / "notice-2024-corrected.txt"
    corrected.write_text(NOTICE_2024_CORRECTED, encoding="utf-8")
    real_write = Path.write_text

    def failing_write(path, *args, **kwargs):
        if path.name == "sections.yaml":
            raise OSError("disk full")
        return real_write(path, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_text", failing_write)
        with pytest.raises(OSError, match="disk full"):
            import_notice(corrected, SLUG, content, dry_run=False, publish=True)
    assert _tree(folder) == before and load_plans(content).store(SLUG).item("1.2")
    # A folder that would not load is refused by the loader the site uses, and the live one is untouched:
    # here the corrected title dates the plan 2022, before the 2023 plan its item 2.1 continues.
    _edit_item(folder, "2.1", continues="2023-city-management/2.3")
    before = _tree(folder)
    corrected.write_text(NOTICE_2024_CORRECTED.replace("张江镇2024年城市管理", "张江镇2022年城市管理"), encoding="utf-8")
    result = _flask("plans", "import", str(corrected), "--slug", SLUG, content=content)
    assert result.returncode != 0 and f"content/plans/{SLUG} left as it was" in result.stderr
    assert "continues" in result.stderr and _tree(folder) == before
    assert load_plans(content).store(SLUG).item("1.2")
    # An interrupted first import leaves no plan at all.
    other = tmp_path / "notice-2024-13.txt"
    other.write_text(NOTICE_2024.replace("浦张府[2024] 12 号", "浦张府[2024] 13 号"), encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_text", failing_write)
        with pytest.raises(OSError):
            import_notice(other, "2024-other", content, dry_run=False)
    assert sorted(p.name for p in (content / "plans").iterdir()) == ["2023-city-management", SLUG]


def test_deadlines_take_the_plans_year_from_the_title_not_the_issue_date(content, tmp_path):
    """A 2024 plan issued in December 2023: its months are 2024's."""
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024.replace("2024 年 3 月 15 日", "2023 年 12 月 28 日"), encoding="utf-8")
    planned, _ = import_notice(source, SLUG, content, dry_run=False)
    assert {i.code: i.deadline for i in planned.notice.items} == {c: e[2] for c, e in EXPECTED_2024.items()}
    assert planned.notice.date == "2023-12-28" and load_content(content, SLUG).plan.year == 2024
    # Without a year in the title, the issue date's year is all there is.
    untitled = parse_notice(normalise(NOTICE_2024.replace("张江镇2024年城市管理", "张江镇城市管理")
                                      .replace("2024 年 3 月 15 日", "2023 年 12 月 28 日")))
    assert untitled.items[0].deadline == "2023-09"


def test_the_same_notice_under_a_second_slug_is_refused_naming_the_first(content, tmp_path):
    source = tmp_path / "notice-2024.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    assert _flask("plans", "import", str(source), "--slug", SLUG, "--publish", content=content).returncode == 0
    for extra in ((), ("--dry-run",)):
        typo = _flask("plans", "import", str(source), "--slug", "2024-city-managment", "--publish", *extra, content=content)
        assert typo.returncode != 0 and f"content/plans/{SLUG}" in typo.stderr and "浦张府〔2024〕12号" in typo.stderr
    assert not (content / "plans" / "2024-city-managment").exists()


def test_a_notice_file_over_the_size_limit_is_refused_before_it_is_read(app_factory, content, tmp_path, monkeypatch):
    """A wrong file chosen (a scan, a video) was read whole into memory, 2 GB and all, before any check."""
    from portal.content import readers

    scan = tmp_path / "scan.pdf"
    with scan.open("wb") as f:
        f.truncate(21 * 1024 * 1024)  # sparse: takes no room on disk
    monkeypatch.setattr(readers, "_read_pdf", lambda path: pytest.fail("read a file over the limit"))
    runner = app_factory(CONTENT_DIR=str(content)).test_cli_runner()
    result = runner.invoke(args=["plans", "import", str(scan), "--slug", SLUG])
    assert result.exit_code != 0
    assert result.stderr.strip() == ("Error: scan.pdf is 21\u00a0MB, larger than the 20\u00a0MB a notice may be "
                                     "(PORTAL_NOTICE_MAX_BYTES): check that this is the notice")
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE_2024, encoding="utf-8")
    small = app_factory(CONTENT_DIR=str(content), NOTICE_MAX_BYTES=1024).test_cli_runner()
    assert "larger than the 1\u00a0kB" in small.invoke(args=["plans", "import", str(source), "--slug", SLUG]).stderr
