"""Parts of the search page kept between searches (search/page.py, fragments.cached(on=…), cached_each):
current at the next search after a change, separate for each selection and language, and never holding
what a reader typed."""
from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings, strategies as st

from feedback_support import BODY
from test_query_count import counted_statements

WORDS = "/zh/search?q=加装电梯"


def _card(html: str, code: str) -> str:
    found = re.search(rf'<li class="card">\s*<a class="card-link" href="[^"]*/go/{re.escape(code)}\?.*?</li>', html, re.S)
    assert found, code
    return found.group(0)


def _form(html: str) -> str:
    start = html.index('<details class="filters"')
    return html[start:html.index("</details>", start)]


def _kept(app) -> list[str]:
    from portal.extensions import cache

    store = cache.cache  # SimpleCache, the default: what this worker keeps
    return [str(store.get(key)) for key in list(store._cache)]


def test_a_status_change_shows_at_the_next_search(app):
    from portal.services.progress import record_update

    client = app.test_client()
    assert "badge-no_report" in _card(client.get(WORDS).get_data(as_text=True), "2.3")
    with app.app_context():
        record_update("2.3", "completed", "全部完工。", None, date(2023, 12, 20))
    card = _card(client.get(WORDS).get_data(as_text=True), "2.3")
    assert "badge-completed" in card and "badge-no_report" not in card
    assert "badge-completed" in _card(client.get("/zh/search?q=加梯").get_data(as_text=True), "2.3")


def test_a_newly_published_comment_is_found_at_the_next_search(app):
    from portal.extensions import db
    from portal.models import Feedback
    from portal.services import feedback

    client = app.test_client()
    words = "/zh/search?q=" + BODY[:6]
    client.get(words)
    with app.app_context():
        fid = feedback.submit("2.3", body=BODY, kind="question", ip="192.0.2.1", lang="zh").feedback.id
        feedback.approve(db.session.get(Feedback, fid), None)
    html = client.get(words).get_data(as_text=True)
    assert "badge-" in _card(html, "2.3")


def test_a_search_reads_nothing_from_the_database(app):
    from portal.extensions import db

    client = app.test_client()
    client.get(WORDS)  # the index's freshness check, at most every SEARCH_REFRESH_SECONDS
    with app.app_context():
        engine = db.engine
    with counted_statements(engine) as statements:
        html = client.get(WORDS + "改造").get_data(as_text=True)  # new words, some of the same hits
    assert "badge-" in _card(html, "2.3")
    assert statements == []


def test_a_search_answers_with_statuses_while_the_database_is_down(app):
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from portal.extensions import db
    from portal.services.progress import record_update

    with app.app_context():
        record_update("2.3", "completed", "全部完工。", None, date(2023, 12, 20))
        engine = db.engine
    client = app.test_client()
    client.get(WORDS)

    def refuse(*_args):
        raise OperationalError("connect", {}, Exception("database is down"))

    engine.dispose()  # no pooled connection left: every read needs a new one, and none can be made
    event.listen(engine, "do_connect", refuse)
    try:
        app.config["SEARCH_REFRESH_SECONDS"] = 0  # the freshness check runs too, and fails
        response = client.get("/zh/search?q=加梯")
        area = client.get("/zh/search?q=电梯&status=completed")
    finally:
        event.remove(engine, "do_connect", refuse)
    assert response.status_code == 200 and "badge-completed" in _card(response.get_data(as_text=True), "2.3")
    assert area.status_code == 200 and "badge-completed" in _card(area.get_data(as_text=True), "2.3")


def test_the_line_under_a_hit_shows_the_status_the_filter_matched(app):
    """Both come from the index, so a page filtered by a status never shows another one, even on a node
    whose index has not caught up yet with a change made on another node."""
    from sqlalchemy import update

    from portal.extensions import db
    from portal.models import WorkItem

    app.config["SEARCH_REFRESH_SECONDS"] = 3600
    client = app.test_client()
    client.get(WORDS)  # this node's index is checked now, and not again for an hour
    with app.app_context():  # another node records a status: this node's index does not have it yet
        db.session.execute(update(WorkItem).where(WorkItem.code == "2.3").values(current_status="completed"))
        db.session.commit()
    html = client.get(WORDS + "&status=no_report").get_data(as_text=True)
    assert "badge-no_report" in _card(html, "2.3") and "badge-completed" not in html


def test_each_selection_and_language_has_its_own_form(app):
    client = app.test_client()
    one = _form(client.get(WORDS + "&area=1").get_data(as_text=True))
    two = _form(client.get(WORDS + "&area=2").get_data(as_text=True))
    assert '<option value="1" selected>' in one and '<option value="2" selected>' not in one
    assert '<option value="2" selected>' in two and '<option value="1" selected>' not in two
    assert " selected>" not in _form(client.get(WORDS).get_data(as_text=True))
    office = _form(client.get(WORDS + "&area=2&office=chengyunban").get_data(as_text=True))
    assert '<option value="chengyunban" selected>' in office and '<option value="2" selected>' in office
    en = _form(client.get("/en/search?q=lift&area=2").get_data(as_text=True))
    assert "Action area" in en and '<option value="2" selected>' in en
    assert "Action area" not in _form(client.get(WORDS + "&area=2").get_data(as_text=True))


def test_a_made_up_filter_value_opens_the_form_and_selects_nothing(app):
    client = app.test_client()
    closed = _form(client.get(WORDS).get_data(as_text=True))
    made_up = _form(client.get(WORDS + "&office=no-such-office").get_data(as_text=True))
    assert "open" not in closed.split(">")[0] and "open" in made_up.split(">")[0]
    assert " selected>" not in made_up


def test_what_a_reader_typed_is_never_kept(app):
    client = app.test_client()
    client.get(WORDS)
    before = len(_kept(app))
    for n in range(3):  # words and made-up filter values: no new kept part, and none holds them
        html = client.get(f"/zh/search?q=加装电梯紫藤{n}号&office=紫藤{n}").get_data(as_text=True)
        assert f"紫藤{n}号" in html
    kept = _kept(app)
    assert len(kept) == before + 1  # one form: open, nothing selected
    assert not [part for part in kept if "紫藤" in part or "q=" in part]


def test_nothing_kept_gives_the_same_page(app_factory):
    kept, plain = app_factory(), app_factory(CACHE_TYPE="NullCache")
    for path in (WORDS, WORDS + "&area=2", "/en/search?q=lift", "/zh/search?q=没有这个词xyz", "/zh/search"):
        first = kept.test_client().get(path).get_data(as_text=True)
        again = kept.test_client().get(path).get_data(as_text=True)
        assert first == again == plain.test_client().get(path).get_data(as_text=True), path


def test_a_result_link_encodes_any_words_as_url_for_does(app):
    from flask import url_for

    from portal.search.routes import go_query

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=60), st.sampled_from(["2023-city-management", "2024-a&b", "x y"]), st.sampled_from(["zh", "en"]))
    def check(words, plan, lang):
        expected = url_for("search.go", lang=lang, code="2.3", q=words, plan=plan)
        assert f"{url_for('search.go', lang=lang, code='2.3')}?{go_query(words, plan)}" == expected

    with app.test_request_context("/zh/search"):
        check()


def test_the_more_results_link_is_url_for_s(app):
    from flask import url_for

    from portal.search.query import FILTERS
    from portal.search.routes import more_address

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=60), st.dictionaries(st.sampled_from(FILTERS), st.text(max_size=12)),
           st.sampled_from(["zh", "en"]))
    def check(words, chosen, lang):
        filters = {name: chosen.get(name, "") for name in FILTERS}
        expected = url_for("search.results", lang=lang, q=words, more=1, **{k: v for k, v in filters.items() if v})
        assert more_address(url_for("search.results", lang=lang), words, filters) == expected

    for root in ("", "/portal"):
        with app.test_request_context("/zh/search", base_url=f"http://localhost{root}"):
            check()


def test_result_links_of_every_code_are_url_for_s(app):
    """Links built once per plan with each code swapped in equal url_for's, for every work point, under
    a script root too (a portal served below /portal)."""
    from types import SimpleNamespace

    from flask import url_for

    from portal.search.routes import _hit_links
    from portal.services.content import registry

    with app.app_context():
        items = [i for store in registry().stores.values() for i in store.items]
    hits = [SimpleNamespace(code=i.code, item=i) for i in items]
    assert len({i.code for i in items}) >= 30
    for root in ("", "/portal"):
        for lang in ("zh", "en"):
            with app.test_request_context(f"/{lang}/search", base_url=f"http://localhost{root}"):
                assert url_for("search.go", lang=lang, code="2.3").startswith(f"{root}/{lang}/")
                filtered = _hit_links(SimpleNamespace(query="", hits=hits), lang)
                worded = _hit_links(SimpleNamespace(query="加梯", hits=hits), lang)
                for i in items:
                    assert filtered[i.plan, i.code] == url_for("public.item", lang=lang, plan=i.plan, code=i.code)
                    assert worded[i.plan, i.code] == url_for("search.go", lang=lang, code=i.code, q="加梯", plan=i.plan)


def test_result_links_carry_the_words_and_the_plan(app):
    from urllib.parse import parse_qs, urlsplit

    html = app.test_client().get("/zh/search?q=加装%20电梯%26100%25").get_data(as_text=True)
    link = re.search(r'href="(/zh/search/go/2\.3\?[^"]*)"', html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"q": ["加装电梯 100%"], "plan": ["2023-city-management"]}
