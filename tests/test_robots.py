"""/robots.txt is the site's own answer; an address that is no page in any language is a plain 404."""
from __future__ import annotations

import pytest

from conftest import text_of


def test_robots_txt_allows_public_pages_and_keeps_crawlers_from_non_public_addresses(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for path in ("/staff/", "/zh/feedback/", "/en/feedback/", "/zh/*/feedback", "/zh/*/matters", "/zh/follow",
                 "/en/search", "/zh/care"):
        assert f"Disallow: {path}" in lines
    assert not any(line in ("Disallow: /", "Disallow: /zh/", "Disallow: /api/") for line in lines)


def test_every_disallowed_path_is_an_address_the_site_has(app):
    """robots.txt names only addresses that exist (a renamed route would leave it protecting nothing)."""
    from portal.robots import robots_lines

    rules = [rule.rule.replace("<lang>", lang) for rule in app.url_map.iter_rules() for lang in ("zh", "en")]
    for line in robots_lines():
        if line.startswith("Disallow: "):
            prefix = line.removeprefix("Disallow: ").split("*")[0]
            assert any(rule.startswith(prefix) for rule in rules), line


@pytest.mark.parametrize("path", ["/favicon.ico", "/wp-login.php", "/sitemap.xml", "/items", "/.well-known/security.txt",
                                  "/xx/", "/robots.txt/"])
def test_an_address_that_is_no_page_is_a_plain_404_in_the_reader_s_language(client, path):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "Location" not in response.headers
    assert "Page not found" in text_of(response.data)
    assert "页面" in text_of(client.get(path, headers={"Accept-Language": "zh-CN"}).data)


def test_real_pages_keep_their_redirects(client):
    assert client.get("/zh").status_code == 308 and client.get("/zh").headers["Location"].endswith("/zh/")
    assert client.get("/en/items/2.1").status_code == 301
    assert client.get("/").status_code == 302


def test_security_txt_only_with_a_configured_contact(app_factory):
    app = app_factory(SECURITY_CONTACT="mailto:security@example.gov.cn")
    body = app.test_client().get("/.well-known/security.txt").get_data(as_text=True)
    assert "Contact: mailto:security@example.gov.cn" in body.splitlines()
    assert "Expires: 2027-05-23T00:00:00.000Z" in body.splitlines()
