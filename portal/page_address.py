"""The address of the page being shown, with some of its values changed: the same page in the other
language, another page of its comments.

The one place such an address is built from the request, so the rules hold for every link of the kind:
- The query string goes along, but never a name url_for reads itself (`_external`, `_scheme`, `_anchor`,
  `_method`: `?_scheme=x` made every page fail) nor a name of the page's own path (`lang`, `plan`,
  `code`…: `?plan=nope` sent the language switch to a plan that does not exist). The path's values win.
- A form sent back with errors is shown at the address it was posted to; its links are those of the page
  the form belongs to (`show_as`), not of the POST-only address.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request, url_for

KEY = "portal.path_names"


def site_host() -> str:
    """The scheme and host this request came to, as url_for(_external=True) writes them (request.host_url
    builds the same from the whole request address: 13.5 µs against 1 µs, in-process)."""
    req = request._get_current_object()  # proxies read once: docs/architecture.md
    return f"{req.scheme}://{req.host}"


def public_root() -> str:
    """What goes in front of a path on this site: PORTAL_PUBLIC_URL when set, else this request's host.
    The Host header is whatever the sender wrote (nginx passes it on), so with the setting no page, feed
    or file kept by a cache can name another host."""
    return (current_app.config.get("PUBLIC_URL") or site_host()).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (as url_for writes it) as an absolute address: every absolute link on pages, feeds and files."""
    return public_root() + path


def show_as(endpoint: str, **values) -> None:
    """This response shows the page `endpoint` with `values` (a form posted to another address)."""
    g.shown_page = (endpoint, values)


def shown_page() -> tuple[str | None, dict]:
    """(endpoint, path values) of the page the reader sees."""
    shown = g.get("shown_page")
    if shown is not None:
        return shown
    req = request._get_current_object()  # proxies read once: docs/architecture.md
    return req.endpoint, dict(req.view_args or {})


def path_names(endpoint: str) -> frozenset[str]:
    """The names in `endpoint`'s URL rules (lang, plan, code…), worked out once per endpoint."""
    known = current_app.extensions[KEY]
    names = known.get(endpoint)
    if names is None:
        names = known[endpoint] = frozenset(name for rule in current_app.url_map.iter_rules(endpoint)
                                            for name in rule.arguments)
    return names


def query_kept(endpoint: str | None, names: frozenset[str] | None = None) -> dict[str, list[str]]:
    """This request's query string as url_for arguments for a page of `endpoint` (whose path_names the
    caller may pass when it has them)."""
    if names is None:
        names = path_names(endpoint) if endpoint else frozenset()
    return {name: values for name, values in request.args.lists() if not name.startswith("_") and name not in names}


def this_page(_external: bool = False, _query: bool = True, **changes) -> str:
    """The page being shown with `changes` (lang=…, comments=2), its query string kept unless `_query` is false."""
    path = page_path(shown_page(), g.get("lang"), _query, **changes)  # callers show a routed page
    return absolute_url(path) if _external else path


def page_path(shown: tuple[str, dict], lang: str | None, query: bool = True, /, **changes) -> str:
    """this_page's path, for a caller that has read the shown page and the request's language already
    (each read of g or request goes through a LocalProxy)."""
    endpoint, values = shown
    names = path_names(endpoint)
    if lang and "lang" in names:
        values = {**values, "lang": lang}
    kept = query_kept(endpoint, names) if query else {}
    return url_for(endpoint, **{**kept, **values, **changes})


def init_app(app: Flask) -> None:
    app.extensions[KEY] = {}
    app.jinja_env.globals["this_page"] = this_page
