"""The staff plans view (#12.7): each plan's completeness, from the code `flask plans check` uses, and
its outcome counts; editors reach each plan's items and the outcome form from there."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from conftest import login, make_staff, text_of
from test_outcomes import LATER, PLAN, two_plans  # noqa: F401 - the fixture

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
    from browser_support import no_horizontal_scroll, screenshot
    from conftest import STAFF_PASSWORD
    from test_accessibility import axe_violations, with_axe

    make_staff(app, "phone-editor", "editor")
    server = live_server(app)
    tab = with_axe(browser_context_factory("phone-360", locale="en-GB" if lang == "en" else "zh-CN")).new_page()
    tab.goto(f"{server.url}/staff/login")
    tab.locator("#username").fill("phone-editor")
    tab.locator("#password").fill(STAFF_PASSWORD)
    tab.locator("form button[type=submit]").last.click()
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
