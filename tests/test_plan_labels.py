"""How pages name a plan: its title per language, the home page's opening, the site's name and the footer's
source line, each from the facts of the plan the page shows (a 2024 plan beside the 2023 one)."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import yaml

from portal.config import FIRST_PLAN, FROM_ENV
from test_plans_import import SLUG
from test_plans_pages import two_plans  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
TITLE_2023_ZH, TITLE_2023_EN = "张江镇2023年城市管理精细化工作要点", "Zhangjiang Town's 2023 work points for refined urban management"
TITLE_2024_ZH = "张江镇2024年城市管理精细化工作要点"
# The 2024 plan has no English title yet: English readers get a label made of its year and number.
LABEL_2024_EN = "Work points of 2024, notice 浦张府〔2024〕12号"


def _get(app, path: str) -> str:
    response = app.test_client().get(path)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def _unspanned(html: str) -> str:
    """The page without the spans that keep a figure on one line (test_a_plans_year_and_number_never_break…)."""
    return re.sub(r'<span class="nowrap">(.*?)</span>', r"\1", html)


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">'):]


def _intro(html: str) -> str:
    start = html.index('<section class="intro">')
    return html[start:html.index("</section>", start)]


def test_english_readers_see_plan_titles_in_english_and_chinese_readers_in_chinese(two_plans):
    en = _unspanned(_get(two_plans, "/en/plans/"))
    assert TITLE_2023_EN in en and LABEL_2024_EN in en
    assert TITLE_2023_ZH not in en and TITLE_2024_ZH not in en
    zh = _unspanned(_get(two_plans, "/zh/plans/"))
    assert TITLE_2023_ZH in zh and TITLE_2024_ZH in zh and "Work points of" not in zh
    home = _unspanned(_get(two_plans, "/en/"))  # the 2023 plan's home links to the 2024 plan
    assert f"<h1>{TITLE_2023_EN}</h1>" in home and f">{LABEL_2024_EN}</a>" in home
    assert f"<h1>{LABEL_2024_EN}</h1>" in _unspanned(_get(two_plans, f"/en/plans/{SLUG}/"))
    assert f"<h1>{TITLE_2024_ZH}</h1>" in _unspanned(_get(two_plans, f"/zh/plans/{SLUG}/"))


def test_an_imported_plan_yaml_has_empty_english_fields_and_the_2023_plan_has_its_title_in_english(two_plans):
    plan = yaml.safe_load((ROOT / "content" / "plans" / FIRST_PLAN / "plan.yaml").read_text(encoding="utf-8"))
    assert (plan["title"], plan["title_en"]) == (TITLE_2023_ZH, TITLE_2023_EN)
    with two_plans.app_context():
        from portal.services.content import registry

        new = registry().store(SLUG).plan
    assert (new.title, new.title_en, new.issuer_en) == (TITLE_2024_ZH, "", "")


def test_each_home_opens_with_its_own_plans_facts(two_plans):
    # A count and its word are joined by a no-break space, or a word joiner in Chinese (i18n.counts_kept_with_their_words).
    en_2024 = _get(two_plans, f"/en/plans/{SLUG}/")
    assert ('Notice <span lang="zh-Hans">浦张府〔2024〕12号</span> of 15 March 2024, issued by <span lang="zh-Hans">浦东新区张江镇人民政府</span>, '
            "has 5\u00a0work points in 2\u00a0action areas. This site shows each one and how it is going.") in en_2024
    assert "The 2\u00a0action areas" in en_2024 and "2023" not in _intro(en_2024)
    zh_2024 = _get(two_plans, f"/zh/plans/{SLUG}/")
    assert ('浦东新区张江镇人民政府于<span class="nowrap">2024年3月15日</span>印发浦张府〔2024〕12号，共有2\u2060个行动领域、5\u2060项工作要点。'
            "本网站逐项列出") in zh_2024
    en_2023 = _get(two_plans, "/en/")
    assert ('Notice <span lang="zh-Hans">浦张府〔2023〕45号</span> of 21 June 2023, '
            "issued by Zhangjiang Town People's Government, Pudong New Area, "
            "has 30\u00a0work points in 8\u00a0action areas. This site explains each one in plain language") in en_2023
    assert "The 8\u00a0action areas" in en_2023 and "2024" not in _intro(en_2023)


def test_the_site_name_names_no_year(two_plans):
    for path, name in ((f"/en/plans/{SLUG}/items/2.2", "Zhangjiang Work Points"), ("/zh/", "张江镇工作要点")):
        html = _get(two_plans, path)
        assert f'<meta property="og:site_name" content="{name}">' in html and f'class="brand" href' in html
        assert f"· {name}</title>" in html and f">{name}</a>" in html
        assert "Work Points 2023" not in html and "张江镇2023年工作要点" not in html


def test_the_footer_cites_the_notice_of_the_plan_the_page_shows(two_plans):
    for lang in ("en", "zh"):
        page_2024 = _footer(_get(two_plans, f"/{lang}/plans/{SLUG}/items/2.2"))
        page_2023 = _footer(_get(two_plans, f"/{lang}/plans/{FIRST_PLAN}/items/2.2"))
        assert "浦张府〔2024〕12号" in page_2024 and "45号" not in page_2024
        assert "浦张府〔2023〕45号" in page_2023 and "12号" not in page_2023
        # A page of no plan cites the current one (2023 here).
        assert "浦张府〔2023〕45号" in _footer(_get(two_plans, f"/{lang}/plans/"))
    assert ('Source: notice <span lang="zh-Hans">浦张府〔2024〕12号</span> of 15 March 2024, '
            'issued by <span lang="zh-Hans">浦东新区张江镇人民政府</span>.'
            in _footer(_get(two_plans, f"/en/plans/{SLUG}/")))
    assert '来源：浦东新区张江镇人民政府《浦张府〔2023〕45号》通知（<span class="nowrap">2023年6月21日</span>）。' in _footer(_get(two_plans, "/zh/"))


def test_no_page_of_the_2024_plan_names_2023_outside_its_links_to_that_plan(two_plans):
    for lang in ("en", "zh"):
        for page in ("", "items/", "areas/2", "offices/", "months/", "places/", "progress", "notice", "items/2.2"):
            html = _unspanned(_get(two_plans, f"/{lang}/plans/{SLUG}/{page}"))
            outside_links = re.sub(r'<a href="/\w\w/plans/2023-city-management/[^"]*">[^<]*</a>(\s*<span class="count">[^<]*</span>)?',
                                   "", html)
            assert "2023" not in outside_links.replace("2023-city-management", ""), (lang, page)


def test_a_chinese_name_on_an_english_page_is_marked_as_chinese_not_escaped(two_plans):
    raw = two_plans.test_client().get(f"/en/plans/{SLUG}/").get_data(as_text=True)
    assert raw.count('<span lang="zh-Hans">浦东新区张江镇人民政府</span>') == 2 and "&lt;span" not in raw  # intro, footer


def test_a_plans_feed_names_its_own_notice(two_plans):
    feed = _get(two_plans, f"/en/plans/{SLUG}/feed.atom")
    assert "notice 浦张府〔2024〕12号" in feed and "45号" not in feed and "Zhangjiang Work Points: latest updates" in feed


def test_the_first_plan_has_one_home_which_the_legacy_default_uses():
    import portal.models

    assert FROM_ENV["LEGACY_PLAN"][2] is FIRST_PLAN and not hasattr(portal.models, "FIRST_PLAN")
    plans = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / "content" / "plans").glob("*/plan.yaml")]
    assert min(plans, key=lambda p: p["date"])["slug"] == FIRST_PLAN


def test_a_plans_year_and_number_never_break_in_its_heading_or_links(two_plans):
    """On a 360 px phone in care mode "张江镇2023年…" could end a line with "2023" and start the next with "年": the
    title is kept whole where it is read (home heading, lists of plans), as every other figure is (unbroken)."""
    home = _get(two_plans, "/zh/")
    assert '<h1>张江镇<span class="nowrap">2023年</span>城市管理精细化工作要点</h1>' in home
    assert '>张江镇<span class="nowrap">2024年</span>城市管理精细化工作要点</a>' in home
    assert '<h1>张江镇<span class="nowrap">2024年</span>城市管理精细化工作要点</h1>' in _get(two_plans, f"/zh/plans/{SLUG}/")
    assert '>张江镇<span class="nowrap">2024年</span>城市管理精细化工作要点</a>' in _get(two_plans, "/zh/plans/")
