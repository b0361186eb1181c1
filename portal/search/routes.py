from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from pydantic import ValidationError

from ..api.build import status as api_status
from ..api.responses import error_response, json_response
from ..api.schemas import SearchHit, SearchQuery, SearchResults
from ..i18n import LANGS
from ..services import search_log
from ..services.content import content, registry
from ..services.status import statuses_by_key
from ..templating import LINKS_KEY, QUERY_SAFE, site_links
from . import api_bp, bp
from .page import filter_form, hit_lines
from .query import FILTERS, MAX_QUERY, QueryError, search

# The API's messages are in English, as its other errors (pydantic's, the unknown plan) are; `reason` keeps the code.
API_QUERY_ERRORS = {
    "empty": "q: nothing to search for; send words in q, or a filter such as status or area",
    "too_long": f"q: the query is longer than {MAX_QUERY} characters",
    "nothing_searchable": "q: the query has no letter, digit or Chinese character to search for",
}


def _error_message(code: str) -> str:
    return {
        "too_long": _("Your search is too long. Please use at most 200 characters."),
        "nothing_searchable": _("Your search has no words we can look for. Please type a word such as “lift” or “加梯”."),
        "empty": _("Please type what you are looking for."),
    }.get(code, _("Your search could not be read."))


def search_address(search_page: str, words: str) -> str:
    """A search for `words`, as url_for("search.results", lang=..., q=words) writes it, from the search
    page's address (the layout's `links.search`): one url_for a page rather than one per suggestion."""
    return f"{search_page}?{urlencode((('q', words),), safe=QUERY_SAFE)}"


def go_query(query: str, plan: str) -> str:
    """The query string of a result link, as url_for("search.go", q=query, plan=plan) encodes it."""
    return urlencode((("q", query), ("plan", plan)), safe=QUERY_SAFE)


def _hit_links(found, lang: str, words: str | None = None) -> dict[tuple[str, str], str]:
    """Each hit's address by (plan, code): through search.go with the words the search is counted
    under, so the click counts for the search report, or straight to the work point when only filters
    were used. The words are encoded once per plan among the hits, not by url_for for every hit."""
    if not found.query:
        return _per_code("public.item", found.hits, with_plan=True, lang=lang)
    queries = {plan: go_query(words or found.query, plan) for plan in {h.item.plan for h in found.hits}}
    links = _per_code("search.go", found.hits, with_plan=False, lang=lang)
    return {key: f"{address}?{queries[key[0]]}" for key, address in links.items()}


def _per_code(endpoint: str, hits, with_plan: bool, lang: str) -> dict[tuple[str, str], str]:
    """url_for(endpoint, code=..., lang=lang) for each hit, by (plan, code): the address up to the code is
    built once per process, endpoint, plan and language (with the site links), each code put in place of
    the first one's. Codes are digits and dots (content/schema.py), which url_for writes as they are;
    tests/test_search_kept.py compares the links with url_for's for every code."""
    memo = current_app.extensions[LINKS_KEY]
    script_root = request.script_root
    links: dict[tuple[str, str], str] = {}
    for hit in hits:
        plan, code = hit.item.plan, hit.code
        key = ("per_code", endpoint, plan if with_plan else "", lang, script_root)
        prefix = memo.get(key)
        if prefix is None:
            first = url_for(endpoint, code=code, lang=lang, **({"plan": plan} if with_plan else {}))
            prefix = memo[key] = first[:-len(code)]
        links[plan, code] = prefix + code
    return links


def more_address(search_page: str, raw: str, filters: dict[str, str]) -> str:
    """The "more results" link: url_for("search.results", lang=..., q=raw, more=1, **the filters set), from
    the search page's address as search_address builds it."""
    pairs = (("q", raw), ("more", "1"), *((name, value) for name, value in filters.items() if value))
    return f"{search_page}?{urlencode(pairs, safe=QUERY_SAFE)}"


def _suggestions(store, lang: str) -> list[tuple[str, str]]:
    """The searches offered when nothing matched (or nothing was asked), each with its address."""
    page = site_links(lang)["search"]
    return [(words, search_address(page, words)) for words in store.suggestions.get(lang)]


def _filters(args: dict[str, str]) -> dict[str, str]:
    return {k: args.get(k, "")[:40] for k in FILTERS}


@bp.get("/<lang>/search")
def results(lang: str):
    if lang not in LANGS:
        abort(404)
    g.lang = lang
    # A plain dict of the first values: MultiDict.get raises and catches a BadRequestKeyError for every
    # name not sent (11,000 instructions each), and a search sends one or two of its eight names.
    args = request.args.to_dict()
    raw = args.get("q", "")
    filters = _filters(args)
    if filters["plan"] and registry().store(filters["plan"]) is None:
        filters["plan"] = ""  # an unknown plan filters nothing rather than failing
    if filters["plan"]:
        g.plan = filters["plan"]  # a search within one plan: the menu and footer's source are that plan's
    store = content(filters["plan"] or None)
    error = None
    found = None
    more = args.get("more") == "1"
    try:
        if raw.strip() or any(filters.values()):
            found = search(raw, lang, filters, more=more)
    except QueryError as exc:
        error = _error_message(str(exc))
    words = search_log.words_of(raw, found.query) if found is not None else ""
    if found is not None and found.query:
        search_log.record_search(words, lang, len(found.hits), found.near)
    status = 400 if error and raw.strip() else 200
    return render_template(
        "search/results.html", q=raw[:200], found=found, error=error, filters=filters,
        filter_form=filter_form(store, lang, filters), hit_lines=hit_lines(found.hits, lang) if found else {},
        hit_links=_hit_links(found, lang, words) if found else {},
        suggestions=_suggestions(store, lang) if not (found and found.hits) else [],
        more_url=more_address(site_links(lang)["search"], raw[:200], filters) if found and found.more else None,
    ), status


@bp.get("/<lang>/search/go/<code>")
def go(lang: str, code: str):
    """A result link: counts the click for the search report, then opens the work point (of ?plan=, else
    of the current plan)."""
    plan = request.args.get("plan", "", type=str) or registry().current
    if lang not in LANGS or registry().store(plan) is None or content(plan).item(code) is None:
        abort(404)
    query = request.args.get("q", "", type=str)[:200]
    if query.strip():
        search_log.record_click(query.strip(), lang)
    return redirect(url_for("public.item", lang=lang, plan=plan, code=code), 303)


@api_bp.get("/search")
def api_search():
    try:
        args = SearchQuery.model_validate(request.args.to_dict())
    except ValidationError as exc:
        first = exc.errors()[0]
        return error_response(400, f"{'.'.join(map(str, first['loc']))}: {first['msg']}", "invalid_parameter")
    if args.plan and registry().store(args.plan) is None:
        # Not "nothing matched": the page searches every plan then, and a client's typo is not an answer.
        return error_response(400, f"plan: no plan {args.plan[:40]!r} on this site (see /api/v1/plans)", "unknown_plan")
    filters = {k: getattr(args, k)[:40] for k in FILTERS}
    try:
        found = search(args.q, args.lang, filters, more=args.more == "1")
    except QueryError as exc:
        return error_response(400, API_QUERY_ERRORS[str(exc)], str(exc))
    statuses = statuses_by_key(h.item for h in found.hits)
    return json_response(SearchResults(query=found.query, total=found.total, near=found.near, more=found.more, results=[
        SearchHit(code=h.code, plan=h.item.plan, year=registry().store(h.item.plan).plan.year,
                  title=h.item.title.get(args.lang), snippet=h.snippet.striptags(),
                  url=url_for("public.item", lang=args.lang, plan=h.item.plan, code=h.code), score=h.score,
                  status=api_status(statuses[h.item.plan, h.code]))
        for h in found.hits
    ]))
