"""Every public page in both languages, language handling, 404s."""
from __future__ import annotations

import re

import pytest

from conftest import text_of

PAGES = [
    "/{lang}/", "/{lang}/plans/2023-city-management/items/", "/{lang}/plans/2023-city-management/areas/1", "/{lang}/plans/2023-city-management/areas/8", "/{lang}/plans/2023-city-management/items/1.1",
    "/{lang}/plans/2023-city-management/items/2.3", "/{lang}/plans/2023-city-management/items/5.1.3", "/{lang}/plans/2023-city-management/offices/", "/{lang}/plans/2023-city-management/months/",
    "/{lang}/plans/2023-city-management/months/2023-12", "/{lang}/plans/2023-city-management/places/", "/{lang}/plans/2023-city-management/notice", "/{lang}/glossary",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_public_page_renders_in_language(client, path, lang):
    r = client.get(path.format(lang=lang))
    assert r.status_code == 200
    html = r.data.decode()
    assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}"' in html
    assert 'hreflang="en"' in html and 'hreflang="zh-Hans"' in html
    # Works without JavaScript, strict CSP: the only scripts are external, content-hashed enhancements.
    scripts = re.findall(r"<script\b[^>]*>.*?</script>", html, re.S)
    assert len(scripts) == html.count("<script")
    assert all(re.fullmatch(r'<script src="/assets/js/[\w-]+\.[0-9a-f]{10}\.js" defer></script>', s) for s in scripts), scripts


def test_every_item_page_shows_offices_and_deadline(app, client):
    from portal.services.content import content

    with app.app_context():
        items = content().items
    assert len(items) == 30
    for item in items:
        html = client.get(f"/zh/plans/2023-city-management/items/{item.code}").data.decode()
        # Figures in the official text sit in <span class="nowrap"> (no line break inside "11万平方米").
        assert item.official_text in re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", html)
        for office in item.offices:
            assert office.name.zh in html
        year, month = item.deadline.split("-")
        assert f"{int(year)}年{int(month)}月" in html
        en = client.get(f"/en/plans/2023-city-management/items/{item.code}").data.decode()
        for office in item.offices:
            assert office.name.en.replace("'", "&#39;") in en


def test_office_and_month_listings(app, client):
    from portal.services.content import content

    with app.app_context():
        store = content()
        office = store.offices[0]
        expected = {i.code for i in store.items_by_office(office.slug)}
    html = client.get(f"/en/plans/2023-city-management/offices/{office.slug}").data.decode()
    for code in expected:
        assert f"/en/plans/2023-city-management/items/{code}" in html
    html = client.get("/zh/plans/2023-city-management/months/2023-05").data.decode()
    assert "/zh/plans/2023-city-management/items/1.2" in html and "/zh/plans/2023-city-management/items/5.1.3" in html and "/zh/plans/2023-city-management/items/2.3\"" not in html


def test_root_redirects_by_accept_language(client):
    r = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/en/")
    r = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert r.headers["Location"].endswith("/zh/")
    r = client.get("/")
    assert r.headers["Location"].endswith("/zh/")


def test_language_switch_keeps_the_page(client):
    html = client.get("/zh/plans/2023-city-management/items/2.3").data.decode()
    assert 'href="/en/plans/2023-city-management/items/2.3"' in html
    html = client.get("/en/plans/2023-city-management/months/2023-12").data.decode()
    assert 'href="/zh/plans/2023-city-management/months/2023-12"' in html


def test_chinese_pages_are_translated(client):
    text = text_of(client.get("/zh/plans/2023-city-management/items/2.3").data)
    for english in ("Responsible offices", "Deadline", "Updates", "Home", "Search"):
        assert english not in text
    assert "责任部门" in text and "首页" in text
    home = text_of(client.get("/zh/").data)
    assert "项工作" in home and "work point" not in home


def test_no_report_yet_and_deadline_passed_are_said(app_factory):
    late = app_factory(PORTAL_TODAY="2026-11-24").test_client()
    text = text_of(late.get("/en/plans/2023-city-management/items/2.3").data)
    assert "No progress report published yet" in text and "has passed" in text
    early = app_factory(PORTAL_TODAY="2023-08-01").test_client()
    text = text_of(early.get("/en/plans/2023-city-management/items/2.3").data)
    assert "No progress report published yet" in text and "has passed" not in text


@pytest.mark.parametrize("path", ["/en/plans/2023-city-management/items/9.9", "/fr/", "/en/plans/2023-city-management/areas/9", "/en/plans/2023-city-management/offices/nobody",
                                  "/zh/plans/2023-city-management/months/2024-01", "/en/plans/2023-city-management/places/nowhere", "/nothing"])
def test_unknown_pages_are_404(client, path):
    r = client.get(path, follow_redirects=True)
    assert r.status_code == 404
    assert "<h1>" in r.data.decode()


def test_security_headers(client):
    r = client.get("/zh/")
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_care_mode_cookie(client):
    r = client.get("/en/care?on=1&next=/en/plans/2023-city-management/items/2.3")
    assert r.status_code == 302 and r.headers["Location"] == "/en/plans/2023-city-management/items/2.3"
    assert 'class="care"' in client.get("/en/plans/2023-city-management/items/2.3").data.decode()
    r = client.get("/en/care?on=0&next=https://evil.example/")
    assert r.headers["Location"] == "/en/"


def test_hashed_assets_are_cached_long(client):
    html = client.get("/zh/").data.decode()
    import re

    href = re.search(r'href="(/assets/css/site\.[0-9a-f]{10}\.css)"', html).group(1)
    r = client.get(href)
    assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]
    assert client.get("/assets/css/site.0000000000.css").status_code == 404
