"""Behind nginx (PORTAL_PROXY_HOPS=1) each resident keeps their own comment limit; without a proxy
configured, a forged X-Forwarded-For buys nobody a fresh limit."""
from __future__ import annotations

from conftest import csrf_from


def _send(client, n: int, forwarded: str | None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_from(client.get("/en/plans/2023-city-management/items/2.3", headers=headers).data)
    return client.post("/en/plans/2023-city-management/items/2.3/feedback", headers=headers, data={
        "csrf_token": token, "kind": "question", "place": "", "body": f"Question {n} about the lift work."}).status_code


def test_behind_a_proxy_each_resident_has_their_own_limit(app_factory):
    client = app_factory(PROXY_HOPS=1, FEEDBACK_RATE_LIMIT=2).test_client()
    assert [_send(client, n, "203.0.113.1") for n in range(3)] == [302, 302, 429]
    assert _send(client, 3, "203.0.113.2") == 302  # another resident behind the same proxy


def test_without_a_proxy_the_header_is_ignored(app_factory):
    client = app_factory(FEEDBACK_RATE_LIMIT=2).test_client()
    assert [_send(client, n, f"203.0.113.{n}") for n in range(3)] == [302, 302, 429]
