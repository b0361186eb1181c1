"""Attack strings fed to every form field, query parameter and API parameter, and a checker that
finds markup an attacker could have made active on a page.

The portal's own pages have no inline script, no event-handler attributes and no `javascript:` links
(strict CSP), so any of these in a response is an injection, whatever page it is on.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

MARK = "zjxss"

XSS = [
    f'<script>alert("{MARK}")</script>',
    f'<ScRiPt>alert("{MARK}")</sCrIpT>',
    f'"><script>alert(1)</script><!--{MARK}',
    f"'><img src=x onerror=alert('{MARK}')>",
    f'<svg/onload=alert("{MARK}")>',
    f'</textarea><script>alert("{MARK}")</script>',
    f'</title><script>alert("{MARK}")</script>',
    f'" onmouseover="alert(\'{MARK}\')" x="',
    f"' autofocus onfocus='alert(\"{MARK}\")",
    f"javascript:alert('{MARK}')",
    f'<a href="javascript:alert(1)">{MARK}</a>',
    f'<iframe src="javascript:alert(`{MARK}`)"></iframe>',
    f'<math><mtext></mtext><mglyph><style></math><img src=x onerror=alert("{MARK}")>',
    f'<<script>alert("{MARK}");//<</script>',
    f'&lt;script&gt;alert("{MARK}")&lt;/script&gt;',
    f'%3Cscript%3Ealert("{MARK}")%3C/script%3E',
    f"{{{{7*7}}}}{{% raw %}}{MARK}",
    f"\u202e<script>{MARK}</script>加装电梯",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
]

SQLI = [
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "1; DROP TABLE feedback; --",
    "' UNION SELECT username, password_hash FROM staff_user --",
    "1' AND (SELECT COUNT(*) FROM sqlite_master) > 0 --",
    "'; SELECT pg_sleep(3); --",
    "1 AND 1=CAST((SELECT version()) AS int)",
    "ZJ-' OR ''='",
    "%' OR '%'='",
    "'",
    "\\",
    "\x00",
    "-1",
    "99999999999999999999999",
    "1e309",
    "../../../etc/passwd",
    "加梯' OR 1=1 --",
]

ALL = XSS + SQLI

# One of each kind of context break, for fields where every request is costly (password hashing,
# staff actions that re-index) and for choices and hidden fields that browsers do not let people type in.
CORE = [XSS[0], XSS[3], XSS[5], XSS[7], XSS[8], XSS[9], XSS[16], XSS[18], SQLI[0], SQLI[1], SQLI[12], SQLI[14]]

# What a database error leaking into a page would look like.
DB_ERROR_RE = re.compile(
    r"sqlite3\.|OperationalError|ProgrammingError|psycopg|syntax error at or near|unrecognized token|"
    r"Traceback \(most recent call last\)|SQLSTATE",
    re.I,
)

# Inline <svg> charts are the portal's own; in them only handlers and script URLs are active, checked below.
_ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "values", "to", "from"}


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or tag
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute: {raw[:120]}")
            if name in _URL_ATTRS and value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"script URL: {raw[:120]}")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/") or src.startswith("//"):
                self.problems.append(f"script not from this site: {raw[:120]}")
            self._in_script = True
        elif tag in _ACTIVE_TAGS:
            self.problems.append(f"active element <{tag}>: {raw[:120]}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:80]}")


def active_markup(html: str) -> list[str]:
    """Injected or inline active content in an HTML page: [] when there is none."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def injection_problems(body: str, payload: str | None = None) -> list[str]:
    """Everything wrong with a page that received `payload`: active markup, the payload unescaped,
    or a database error shown to the reader."""
    problems = active_markup(body)
    if payload and "<" in payload and payload in body:
        problems.append(f"payload echoed unescaped: {payload!r}")
    m = DB_ERROR_RE.search(body)
    if m:
        problems.append(f"database error text in the page: {body[max(0, m.start() - 60):m.end() + 60]!r}")
    return problems
