"""Template globals and filters shared by every blueprint, and content-hashed static assets."""
from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, url_for
from flask_babel import format_date

from .i18n import LANGS, current_lang, localized, url_in
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
        for path in static_dir.rglob("*"):
            if path.is_file():
                rel = path.relative_to(static_dir).as_posix()
                self.contents[rel] = path.read_bytes()
                self.hashes[rel] = hashlib.sha256(self.contents[rel]).hexdigest()[:10]

    def url(self, name: str) -> str:
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


def search_action(lang: str) -> str:
    return url_for("search.results", lang=lang)


def template_globals() -> dict:
    lang = current_lang()
    return {
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "langs": LANGS,
        "url_in": url_in,
        "asset_url": current_app.extensions[ASSETS_KEY].url,
        "care_mode": request.cookies.get("care") == "1",
        "search_action": search_action,
        "punct": marks(lang),
    }


def in_current_language(text) -> str:
    """Pick the current language from a bilingual content value."""
    if text is None:
        return ""
    if isinstance(text, dict):
        return text.get(current_lang()) or text.get("zh", "")
    return text.get(current_lang())


def day(value) -> str:
    return "" if value is None else format_date(value, "yyyy-MM-dd")


def init_app(app: Flask) -> None:
    assets = StaticAssets(Path(app.static_folder))
    app.extensions[ASSETS_KEY] = assets
    app.add_url_rule("/assets/<path:filename>", "assets", assets.response, methods=["GET"])
    app.context_processor(template_globals)
    app.add_template_filter(in_current_language, "t")
    app.add_template_filter(month_label, "month")
    app.add_template_filter(localized, "localized")
    app.add_template_filter(day, "day")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
