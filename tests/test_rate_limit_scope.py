"""Reads of public pages skip Flask-Limiter (portal/extensions.py): no limit may hide on one of them."""
from flask_limiter.util import get_qualified_name

from portal.extensions import UNLIMITED_READS, limiter


def _limited(app, endpoint: str) -> bool:
    manager = limiter.limit_manager
    name = get_qualified_name(app.view_functions[endpoint])
    blueprint = endpoint.rpartition(".")[0]
    with app.test_request_context():  # limits given as functions read the app's config
        return bool(manager.decorated_limits(name) or manager.blueprint_limits(app, blueprint)
                    or manager.default_limits or manager.application_limits)


def test_no_read_of_an_unlimited_area_declares_a_limit(app):
    reads = [rule.endpoint for rule in app.url_map.iter_rules()
             if rule.endpoint.rpartition(".")[0] in UNLIMITED_READS and "GET" in rule.methods]
    assert len(reads) > 20
    assert [e for e in reads if _limited(app, e)] == []


def test_the_check_finds_a_limited_read(app):
    """The tracking page (feedback area) is a limited read: the same check must see its limit."""
    assert _limited(app, "feedback.track")


def test_writes_in_those_areas_are_still_limited(app):
    limited_posts = [rule.endpoint for rule in app.url_map.iter_rules()
                     if rule.endpoint.rpartition(".")[0] in UNLIMITED_READS and "POST" in rule.methods
                     and _limited(app, rule.endpoint)]
    assert "public.mark_item" in limited_posts
