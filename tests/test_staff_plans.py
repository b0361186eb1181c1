"""The staff plans view (#12.7): each plan's completeness, from the code `flask plans check` uses, and
its outcome counts; editors reach each plan's items and the outcome form from there."""
from __future__ import annotations

import html as html_lib
import re

import pytest
import yaml

from conftest import login, make_staff, text_of
from test_outcomes import LATER, PLAN, two_plans  # noqa: F401 - the fixture
from test_plans_import import _edit_item, content_with_2024

MISSING_EN = {"title zh": "No Chinese title", "title en": "No English title",
              "summary zh": "No plain-language summary in Chinese", "summary en": "No plain-language summary in English",
              "targets": "No targets (the official text has a figure)", "places": "No places"}


def _card(page: str, slug: str) -> str:
    """The HTML of one plan's card on /staff/plans."""
    start = page.index(f'id="plan-{slug}"')
    following = page.find('<li class="card" id="plan-', start + 1)
    return page[start:following if following > 0 else len(page)]


def test_completeness_matches_plans_check_for_every_plan_folder(app_factory, two_plans):
    from portal.services.plans import check_plans

    app = app_factory(CONTENT_DIR=str(two_plans))
    make_staff(app, "plans-editor", "editor")
    c = app.test_client()
    login(c, "plans-editor")
    c.set_cookie("lang", "en")
    page = c.get("/staff/plans").get_data(as_text=True)
    checks = check_plans(two_plans)
    assert [ch.slug for ch in checks] == [LATER, PLAN]
    for check in checks:
        card = html_lib.unescape(_card(page, check.slug))
        assert f"{check.items} work points" in text_of(card)
        assert ("not published" in card) == (not check.published)
        shown = {k: v for k, v in re.findall(r"<summary>(.*?): \d+</summary><p>(.*?)</p>", card)}
        assert shown == {MISSING_EN[what]: ", ".join(codes) for what, codes in check.missing.items()}
        for what, codes in check.missing.items():
            assert f"{MISSING_EN[what]}: {len(codes)}</summary>" in card
    assert check.missing  # the 2023 plan has items without places: the comparison above is not empty


# Work point 1.2 of the sample 2024 notice holds 20 (完成 20 个居委绿色社区达标创建), not 50 or 35.
INVENTED_12 = {"zh": "镇里要让50个居委达到绿色社区标准。", "en": "Thirty-five committees are to meet the standard."}


@pytest.fixture
def draft_editor(app_factory, tmp_path):
    """An editor's client on content/ with the sample 2024 notice loaded as a draft (not published)."""
    content = content_with_2024(tmp_path, LATER)
    app = app_factory(CONTENT_DIR=str(content))
    make_staff(app, "draft-editor", "editor")
    c = app.test_client()
    login(c, "draft-editor")
    return app, c, content / "plans" / LATER


def test_a_draft_plan_shows_what_its_plain_language_adds_to_the_notice(draft_editor):
    from portal.services.plans import check_plan

    app, c, folder = draft_editor
    c.set_cookie("lang", "en")
    clean = text_of(_card(c.get("/staff/plans").get_data(as_text=True), LATER))
    assert "The plain-language text states no figure, date or place the notice does not hold." in clean
    _edit_item(folder, "1.2", summary=INVENTED_12)
    page = c.get("/staff/plans").get_data(as_text=True)
    card = text_of(_card(page, LATER))
    assert "this plan cannot be published until they are fixed:" in card
    assert "Work point 1.2, summary.zh: “50” is not in the notice" in card
    assert "Work point 1.2, summary.en: “Thirty-five” is not in the notice" in card
    listed = re.findall(r"Work point ([\d.]+), (\S+): “(.*?)” is not in the notice", card)
    assert listed == [(p.code, p.field, p.figure) for p in check_plan(folder.parent.parent, LATER).invented]
    assert "cannot be published" not in text_of(_card(page, PLAN))  # published: publishing is not the question
    # A published plan's problems are on public pages already: listed too, with that said.
    published = yaml.safe_load((folder.parent / PLAN / "items" / "1.1.yaml").read_text(encoding="utf-8"))
    _edit_item(folder.parent / PLAN, "1.1", summary={**published["summary"], "en": "Ninety-nine lifts."})
    card = text_of(_card(c.get("/staff/plans").get_data(as_text=True), PLAN))
    assert "residents read it now" in card and "Work point 1.1, summary.en: “Ninety-nine” is not in the notice" in card
    c.set_cookie("lang", "zh")
    assert "工作要点 1.2，summary.zh：通知原文中没有“50”" in text_of(_card(c.get("/staff/plans").get_data(as_text=True), LATER))


def test_the_plans_page_with_a_draft_to_correct_is_valid_html(draft_editor, tmp_path):
    from test_html_validity import _need_vnu, vnu_errors

    java = _need_vnu()
    app, c, folder = draft_editor
    _edit_item(folder, "1.2", summary=INVENTED_12)
    files = []
    for lang in ("en", "zh"):
        c.set_cookie("lang", lang)
        files.append(tmp_path / f"staff-plans-draft-{lang}.html")
        files[-1].write_bytes(c.get("/staff/plans").data)
    assert vnu_errors(java, files) == []


def test_outcome_counts_and_the_way_to_the_outcome_form(app, staff_client):
    from portal.states import OutcomeKind
    from portal.services.content import content
    from portal.services.outcomes import record_outcome

    with app.app_context():
        record_outcome(content().plan, "2.3", OutcomeKind.COMPLETED, {}, "完成。", None, None)
        record_outcome(content().plan, "3.1", OutcomeKind.NOT_COMPLETED, {}, "未完成。", None, None)
    c = staff_client("editor")
    c.set_cookie("lang", "en")
    page = c.get("/staff/plans").get_data(as_text=True)
    assert "Outcomes recorded: 2 of 30 · Completed 1 · Not completed 1" in text_of(page)
    assert f'href="/staff/plans/{PLAN}"' in page
    items = c.get(f"/staff/plans/{PLAN}").get_data(as_text=True)
    assert f'href="/staff/plans/{PLAN}/items/2.3/outcome">Change the outcome' in items
    assert f'href="/staff/plans/{PLAN}/items/2.4/outcome">Record the outcome' in items
    assert c.get(f"/staff/plans/{PLAN}/items/2.4/outcome").status_code == 200
    assert c.get("/staff/plans/no-such-plan").status_code == 404
    assert c.get(f"/staff/plans/{PLAN}/items/9.9/outcome").status_code == 404


def test_a_plan_whose_year_is_not_over_offers_no_outcome_form(app_factory):
    app = app_factory(PORTAL_TODAY="2023-10-01")
    make_staff(app, "early", "admin")
    c = app.test_client()
    login(c, "early")
    c.set_cookie("lang", "en")
    items = c.get(f"/staff/plans/{PLAN}").get_data(as_text=True)
    assert "/outcome" not in items and "from 1 January 2024" in text_of(items)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_staff_plan_pages_read_on_a_phone(app, live_server, browser_context_factory, lang):
    from browser_support import no_horizontal_scroll, screenshot, staff_tab
    from test_accessibility import axe_violations, with_axe

    make_staff(app, "phone-editor", "editor")
    server = live_server(app)
    tab = staff_tab(with_axe(browser_context_factory("phone-360", locale="en-GB" if lang == "en" else "zh-CN")),
                    server, "phone-editor")
    for path in ("/staff/plans", f"/staff/plans/{PLAN}", f"/staff/plans/{PLAN}/items/2.3/outcome"):
        tab.goto(server.url + path)
        screenshot(tab, f"staff{path.replace('/', '-')}-{lang}-360")
        assert no_horizontal_scroll(tab), f"{path} scrolls sideways at 360 px"
        assert axe_violations(tab) == [], path
    tab.locator("#result").select_option("completed")
    tab.locator("#note_zh").fill("25台全部竣工。")
    tab.locator("#figure_starts").fill("25")
    tab.locator("form button.primary").click()
    assert tab.url.endswith(f"/staff/plans/{PLAN}#item-2.3")
    tab.goto(f"{server.url}/{lang}/plans/{PLAN}/items/2.3")
    screenshot(tab, f"item-2.3-outcome-{lang}-360")
    assert tab.locator("#h-outcome").is_visible() and no_horizontal_scroll(tab)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_list_of_what_to_correct_reads_on_a_phone(draft_editor, live_server, browser_context_factory, lang):
    app, _, folder = draft_editor
    _edit_item(folder, "1.2", summary=INVENTED_12)
    tab = _plans_page_on_a_phone(live_server(app), browser_context_factory, lang, "draft-editor", "draft")
    assert tab.locator(f"#plan-{LATER} .plan-invented li").count() == 2
    _fits_and_passes_axe(tab)


def _plans_page_on_a_phone(server, browser_context_factory, lang: str, username: str, shot: str):
    """/staff/plans at 360 px in `lang`, logged in as `username`, with axe loaded; a screenshot kept."""
    from browser_support import screenshot, staff_tab
    from test_accessibility import with_axe

    tab = staff_tab(with_axe(browser_context_factory("phone-360", locale="en-GB" if lang == "en" else "zh-CN")),
                    server, username)
    tab.goto(f"{server.url}/staff/plans")
    screenshot(tab, f"staff-plans-{shot}-{lang}-360")
    return tab


def _fits_and_passes_axe(tab) -> None:
    from browser_support import no_horizontal_scroll
    from test_accessibility import axe_violations

    assert no_horizontal_scroll(tab) and axe_violations(tab) == []


@pytest.fixture
def continues_to_correct(app_factory, tmp_path):
    """A 2026 plan with one `continues:` line right only through 2025's renumbered.yaml (flask plans check warns)
    and one naming no work point at all (it errs), and an editor's client on it."""
    import shutil

    from test_next_year_notices import (LATER as NEXT, NOTICE_2025_ONE_STRUCK, ROOT, SLUG, _continued_in_2026,
                                        _published_2025)
    from portal.services.plans import import_notice

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    _published_2025(content, tmp_path)
    _continued_in_2026(content, tmp_path, "1.1.2")
    struck = tmp_path / "corrected.txt"
    struck.write_text(NOTICE_2025_ONE_STRUCK, encoding="utf-8")
    import_notice(struck, SLUG, content, dry_run=False)
    broken = content / "plans" / NEXT / "items" / "1.1.2.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + f"continues: {SLUG}/1.1.2\n", encoding="utf-8")
    app = app_factory(CONTENT_DIR=str(content), CURRENT_PLAN=PLAN)
    make_staff(app, "continues-editor", "editor")
    c = app.test_client()
    login(c, "continues-editor")
    return app, c, content, NEXT, SLUG


def test_the_plans_page_lists_continues_warnings_and_errors_as_plans_check_does(continues_to_correct, tmp_path):
    """flask plans check warns of a `continues:` line right only through renumbered.yaml, naming the code to write
    (b4e32b3); the page, which says it lists what the check lists, showed no warning. And a line naming no work
    point showed as "Does not load: …" and hid the rest of the card, although the plan loads and is served."""
    from portal.services.plans import check_plans

    app, c, content, later, earlier = continues_to_correct
    [check] = check_plans(content, later)
    assert len(check.warnings) == 1 and len(check.errors) == 1, (check.warnings, check.errors)
    warning = (f"content/plans/{later}/items/1.1.1.yaml: continues: {earlier}/1.1.2 is right only through "
               f"{earlier}'s renumbered.yaml; write continues: {earlier}/1.1.1")
    error = f"content/plans/{later}/items/1.1.2.yaml: continues: no work point {earlier}/1.1.2"
    files = []
    for lang in ("en", "zh"):  # en first: the check is cached, and must not keep the first viewer's language
        c.set_cookie("lang", lang)
        page = c.get("/staff/plans").get_data(as_text=True)
        files.append(tmp_path / f"staff-plans-continues-{lang}.html")
        files[-1].write_text(page, encoding="utf-8")
        card = text_of(html_lib.unescape(_card(page, later)))
        if lang == "en":
            assert warning in card and error in card, card
            assert "Does not load" not in card
            assert f"{check.items} work points" in card  # the plan loads: the rest of its card is there
        else:
            assert (f"continues（延续）写的 {earlier}/1.1.2 只有经 {earlier} 的 renumbered.yaml（重新编号记录）才能对应到所指的工作要点；"
                    f"请改写为 continues: {earlier}/1.1.1") in card, card
            assert f"continues（延续）所指的工作要点 {earlier}/1.1.2 不存在" in card
            assert "renumbered.yaml; write continues" not in card
    from test_html_validity import _need_vnu, vnu_errors

    assert vnu_errors(_need_vnu(), files) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_continues_lines_to_correct_read_on_a_phone(continues_to_correct, live_server, browser_context_factory,
                                                         lang):
    app, _, _, later, _ = continues_to_correct
    tab = _plans_page_on_a_phone(live_server(app), browser_context_factory, lang, "continues-editor", "continues")
    assert tab.locator(f"#plan-{later} .plan-warnings li").count() == 1
    assert tab.locator(f"#plan-{later} .plan-broken-continues li").count() == 1
    _fits_and_passes_axe(tab)
