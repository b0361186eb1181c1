"""Links to the page being shown (the language switch, the canonical address, page numbers) follow one rule
(portal/page_address.py): the query string goes along, but never a name url_for reads itself nor a name of
the page's own path, and a form sent back with errors links as the page it belongs to."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import STAFF_PASSWORD, login
from public_pages import public_pages

# url_for's own keywords, then names of the pages' paths.
RESERVED = {"_scheme": "javascript", "_external": "1", "_method": "POST", "_anchor": "x", "_x": "1"}
PATH_NAMES = {"lang": "xx", "plan": "no-such-plan", "code": "99.99", "number": "999", "slug": "no-such", "site_id": "999999"}


@pytest.fixture
def pages(app):
    from public_pages import seed

    return public_pages(app, seed(app))


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_no_public_page_takes_its_path_or_url_for_options_from_the_query_string(app, pages):
    client = app.test_client()
    query = "&".join(f"{k}={v}" for k, v in {**RESERVED, **PATH_NAMES}.items())
    for p in pages:
        if p.status != 200:
            continue
        response = client.get(f"{p.path}{'&' if '?' in p.path else '?'}{query}")
        assert response.status_code < 500, (p.name, response.status_code)  # ?code= is what a look-up page reads: 404
        links = [urlsplit(html.unescape(a)) for a in _links(response.get_data(as_text=True))]
        assert not [a for a in links if "no-such" in a.path or "/xx/" in a.path or "99.99" in a.path], p.name
        assert not [a for a in links if any(name.startswith("_") for name, _ in parse_qsl(a.query))], p.name
        other = "en" if p.lang == "zh" else "zh"
        switch = [a for a in links if not a.netloc and a.path == urlsplit(p.path).path.replace(f"/{p.lang}/", f"/{other}/", 1)]
        assert switch, f"{p.name}: no link to this page in {other}"


def test_the_old_addresses_keep_their_query_but_not_url_for_options(client):
    response = client.get("/zh/items/2.3?comments=2&_external=1&_scheme=javascript&plan=x")
    assert response.status_code == 301
    location = response.headers["Location"]
    assert location.startswith("/zh/plans/2023-city-management/items/2.3?")
    assert "comments=2" in location and "_" not in location.split("?")[1] and "plan=" not in location


def test_a_comment_form_sent_back_links_as_the_item_page(app, client):
    """Its language switch, canonical address and page numbers are the item page's, not the POST-only address's."""
    from portal.services import feedback
    from portal.services.auth import create_staff

    with app.app_context():
        staff = create_staff("mod-pages", STAFF_PASSWORD, "moderator")
        for i in range(25):
            fb = feedback.submit("2.3", body=f"第{i}号楼的电梯什么时候开工？", kind="question", ip=f"192.0.2.{i}", lang="zh").feedback
            feedback.approve(fb, staff)
    item = "/zh/plans/2023-city-management/items/2.3"
    assert f'{item}?comments=2' in client.get(item).get_data(as_text=True)
    response = client.post(f"{item}/feedback", data={"body": "abc", "kind": "question"})
    assert response.status_code == 400
    links = _links(response.get_data(as_text=True))
    assert f"{item}?comments=2#comments" in links
    assert "/en/plans/2023-city-management/items/2.3" in links
    assert not [a for a in links if a.split("?")[0].split("#")[0].endswith("/feedback")]


def test_staff_page_numbers_keep_the_listing_s_filters(app, client):
    """Page 2 of a filtered moderation list is page 2 of that list, not of the whole queue."""
    from portal.services import feedback
    from portal.services.auth import create_staff

    with app.app_context():
        staff = create_staff("mod-pager", STAFF_PASSWORD, "moderator")
        for i in range(60):
            fb = feedback.submit("2.3", body=f"第{i}号楼门口的路灯坏了很久了。", kind="concern", ip=f"198.51.100.{i}", lang="zh").feedback
            feedback.reject(fb, "与本项工作无关", staff)
    login(client, "mod-pager")
    page = client.get("/staff/moderation?view=rejected").get_data(as_text=True)
    numbered = [a for a in _links(page) if "page=2" in a]
    assert numbered and all("view=rejected" in a for a in numbered), numbered
