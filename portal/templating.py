"""Template globals and filters shared by every blueprint, and content-hashed static assets."""
from __future__ import annotations

import functools
import hashlib
import mimetypes
import re
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Request, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import format_date
from jinja2 import pass_context
from markupsafe import Markup, escape

from .figure_words import ONE_WORD
from .i18n import LANGS, current_lang, localized
from .numbers import grouped
from .punctuation import marks

ASSET_RE = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[a-z0-9]+)$")
ASSETS_KEY = "portal.assets"
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def month_label(value: str, lang: str | None = None) -> str:
    year, month = (int(p) for p in value.split("-"))
    if (lang or current_lang()) == "en":
        return f"{MONTHS_EN[month - 1]} {year}"
    return f"{year}年{month}月"


class StaticAssets:
    """The files under static/, addressed by a hash of their bytes so browsers may keep them a year."""

    def __init__(self, static_dir: Path):
        self.contents: dict[str, bytes] = {}
        self.hashes: dict[str, str] = {}
        self._urls: dict[tuple[str, str], str] = {}  # built once: every page links the same files
        for path in static_dir.rglob("*"):
            if path.is_file():
                rel = path.relative_to(static_dir).as_posix()
                self.contents[rel] = path.read_bytes()
                self.hashes[rel] = hashlib.sha256(self.contents[rel]).hexdigest()[:10]

    def url(self, name: str, script_root: str | None = None) -> str:
        """`script_root`: the request's, for a caller that has it (each read of request goes through a LocalProxy)."""
        key = (name, request.script_root if script_root is None else script_root)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = self._url(name)
        return found

    def _url(self, name: str) -> str:
        digest = self.hashes.get(name)
        if digest is None:
            return url_for("static", filename=name)
        p = Path(name)
        return url_for("assets", filename=f"{p.with_suffix('').as_posix()}.{digest}{p.suffix}")

    def response(self, filename: str) -> Response:
        m = ASSET_RE.match(filename)
        if not m or self.hashes.get(m["stem"] + m["ext"]) != m["hash"]:
            abort(404)
        name = m["stem"] + m["ext"]
        # Sent whole from memory rather than streamed from disk, so the response compressor can shrink it.
        response = Response(self.contents[name], mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")
        response.set_etag(m["hash"])
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response.make_conditional(request)


# The header's and footer's links (name -> endpoint): the same on every page of one language and plan.
SITE_LINKS = {"home": "public.home", "work_points": "public.item_list", "progress": "public.progress",
              "offices": "public.offices", "months": "public.months", "places": "public.places",
              "notice": "public.notice", "glossary": "public.glossary", "privacy": "follow.privacy",
              "search": "search.results", "feed": "public.feed"}
LINKS_KEY = "portal.site_links"
PARTS_KEY = "portal.site_parts"


def site_key(lang: str, app: Flask | None = None, req: Request | None = None) -> tuple[str, str, str]:
    """(language, plan, script root): what the header's and footer's links and parts depend on. Worked
    out once a page by template_globals and passed on: each read of g, request or current_app goes
    through a LocalProxy, a missed lookup first (so a caller that has the app and request passes them)."""
    if app is None:
        app = current_app._get_current_object()
    if req is None:
        req = request._get_current_object()
    return lang, g.get("plan") or app.extensions["portal_plans"].current, req.script_root


class SiteLinks(dict):
    """The layout's addresses, read as `links.home` in templates and `links["home"]` in Python. Each is an
    attribute too: Jinja tries an attribute before an item, and a dict's missing attribute is an
    AttributeError built and thrown away (seven on every page)."""

    def __init__(self, addresses: dict[str, str]):
        super().__init__(addresses)
        self.__dict__.update(addresses)


def site_links(lang: str, site: tuple[str, str, str] | None = None) -> SiteLinks:
    """Built once per language and plan rather than a dozen url_for calls on every page."""
    key = site or site_key(lang)
    memo = current_app.extensions[LINKS_KEY]
    links = memo.get(key)
    if links is None:
        links = memo[key] = SiteLinks({
            **{name: url_for(endpoint, lang=lang) for name, endpoint in SITE_LINKS.items()},
            "api": url_for("api.openapi", lang=None),
            "root": url_for("public.root"),
            "feed_no_lang": url_for("public.feed"),  # the layout's feed link on a page with no language
        })
    return links


def site_part(template: str, site: tuple[str, str, str] | None = None) -> Markup:
    """A part of the layout that is the same on every page of one language and plan (the menu, the
    footer): rendered once per process, language and plan rather than on every page. Such a part may
    use only `links`, the language, the plan and settings; what depends on the address, the reader or
    the database stays in base.html, which passes its `layout_key` (site_key), read already."""
    key = (template, *(site or site_key(current_lang())))
    memo = current_app.extensions[PARTS_KEY]
    part = memo.get(key)
    if part is None:
        part = memo[key] = Markup(render_template(template).strip())  # nosec B704: autoescaped template output
    return part


# The characters url_for leaves as they are in a query string (werkzeug.urls._urlencode).
QUERY_SAFE = "!$'()*,/:;?@"


def care_link(on: int, lang: str | None = None) -> str:
    """The large-text switch of this page: url_for("public.care_mode", lang=..., on=on, next=<this page>),
    its fixed start built once per language (url_for on every page was about 1% of a rendered item
    page). tests/test_care_mode.py compares it with url_for's for any page address."""
    lang = lang or current_lang()
    req = request._get_current_object()  # each read through the LocalProxy costs a missed lookup first
    key = ("care", lang, on, req.script_root)
    memo = current_app.extensions[LINKS_KEY]
    start = memo.get(key)
    if start is None:
        start = memo[key] = url_for("public.care_mode", lang=lang, on=on)
    return f"{start}&{urlencode((('next', req.full_path.rstrip('?')),), safe=QUERY_SAFE)}"


def template_globals() -> dict:
    lang = current_lang()
    app = current_app._get_current_object()  # each read through the LocalProxy costs a missed lookup first
    req = request._get_current_object()
    cookies = req.cookies
    site = site_key(lang, app, req)
    return {
        "lang": lang,
        # The language of a page under /<lang>/ (None elsewhere, as on a page not found): g read once
        # here rather than three times by the layout (each read of g goes through a LocalProxy).
        "page_lang": g.get("lang"),
        "other_lang": "en" if lang == "zh" else "zh",
        "langs": LANGS,
        "asset_url": functools.partial(app.extensions[ASSETS_KEY].url, script_root=req.script_root),
        # Asked with `in` first: MultiDict.get raises and catches a BadRequestKeyError for a name not sent
        # (about 11,000 instructions), and most readers send no care cookie.
        "care_mode": "care" in cookies and cookies["care"] == "1",
        "links": site_links(lang, site),
        "layout_key": site,
        "site_part": site_part,
        "punct": marks(lang),
    }


@pass_context
def in_current_language(context, text) -> str:
    """Pick the page's language from a bilingual content value (the page's `lang`, read from the
    template context: a filter used dozens of times a page need not ask the request each time)."""
    if text is None:
        return ""
    lang = context.get("lang") or current_lang()
    if isinstance(text, dict):
        return text.get(lang) or text.get("zh", "")
    return text.get(lang)


def day(value) -> str:
    return "" if value is None else format_date(value, "yyyy-MM-dd")


def kept_together(html: str) -> str:
    """`html` (already escaped) in a span that does not break across lines (.nowrap in site.css): the one
    place that writes this markup, for unbroken and for search snippets (search/snippets.py)."""
    return f'<span class="nowrap">{html}</span>'


def _nowrap(match: re.Match) -> str:
    # A function, not the template r'…\g<0>…': re.sub hands a template string to Python code on every
    # call, matches or not, which cost more than the matching (9.4 → 4.3 µs).
    return kept_together(match[0])


def unbroken(value) -> Markup:
    """Plain text, escaped, with each figure, date and code in a span that does not break (.nowrap)."""
    if isinstance(value, Markup):
        return value  # already markup: its text cannot be told from its tags here
    # Matched in the escaped text: an entity (&#39;) ends in ";", which no figure, date or code holds, so
    # none is cut; one substitution, as search snippets call this for every piece of every hit.
    return Markup(ONE_WORD.sub(_nowrap, str(escape(str(value)))))  # nosec B704


def init_app(app: Flask) -> None:
    assets = StaticAssets(Path(app.static_folder))
    app.extensions[ASSETS_KEY] = assets
    app.extensions[LINKS_KEY] = {}
    app.extensions[PARTS_KEY] = {}
    app.add_url_rule("/assets/<path:filename>", "assets", assets.response, methods=["GET"])
    app.context_processor(template_globals)
    app.jinja_env.globals["care_link"] = care_link
    app.add_template_filter(in_current_language, "t")
    app.add_template_filter(month_label, "month")
    app.add_template_filter(localized, "localized")
    app.add_template_filter(day, "day")
    app.add_template_filter(unbroken, "unbroken")
    app.add_template_filter(grouped, "figure")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
