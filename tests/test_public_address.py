"""With PORTAL_PUBLIC_URL set, no absolute address on a public page, feed or file comes from the request's
Host header: nginx passes it on as sent, and the answer may be kept by nginx's cache and served to others."""
from __future__ import annotations

import re

from progress_support import add_site, publish

PUBLIC = "https://zj.example.gov.cn"
FORGED = {"Host": "evil.example"}
PLAN = "/plans/2023-city-management"
ADDRESSES = (
    f"/en{PLAN}/items/2.3",  # canonical, hreflang, x-default
    "/zh/glossary",
    f"/zh{PLAN}/feed.atom",  # feed id, self and alternate links, entry links
    f"{PLAN}/feed.atom",
    f"/en{PLAN}/items/2.3/feed.atom",  # a work point's own feed: its id is its own address
    "/api/v1/items.csv",
)


def _hosts(body: str) -> set[str]:
    return set(re.findall(r"https?://([^/\"'<>\s]+)", body)) - {"www.w3.org", "lkiesow.github.io"}  # XML namespaces, feedgen's generator


def test_absolute_addresses_use_the_public_url_whatever_the_host_header(app_factory):
    app = app_factory(PUBLIC_URL=PUBLIC + "/")
    publish(app, "2.3", "in_progress", "完成意愿征询12台。", "2023-08-10", "Residents consulted on 12 lifts.")
    site = add_site(app, "2.3", "一号楼", "consultation")
    client = app.test_client()
    for path in (*ADDRESSES, f"/zh{PLAN}/items/2.3/sites/{site}/feed.atom"):
        response = client.get(path, headers=FORGED)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert _hosts(body) == {"zj.example.gov.cn"}, (path, _hosts(body))


def test_without_the_setting_the_request_host_is_used_as_before(client):
    body = client.get(f"/en{PLAN}/items/2.3", headers=FORGED).get_data(as_text=True)
    assert 'hreflang="zh-Hans" href="http://evil.example/zh/' in body
