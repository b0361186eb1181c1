"""Configuration: the one reader of environment variables (the app's PORTAL_* settings and gunicorn's),
with safe defaults for a single machine."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TRUE_WORDS = {"1", "true", "yes", "on"}
# The first plan (a folder under content/plans/): every row made before plans existed belongs to it (migration
# plans_core), and so do the addresses published before plans had their own pages (LEGACY_PLAN below).
FIRST_PLAN = "2023-city-management"
# Largest notice `flask plans import` reads: a notice's text, even as a PDF with its seal, is a few MB at most;
# a wrong file chosen (a video, a disk image, a scan) would otherwise be read whole into memory.
NOTICE_MAX_BYTES = 20 * 1024 * 1024
# Most a .docx notice's parts read for its text (document.xml, styles, numbering …) may hold unzipped
# (PORTAL_NOTICE_MAX_UNZIPPED_BYTES): a notice's own is well under 1 MB. A small zip can unzip to gigabytes,
# which python-docx would parse.
NOTICE_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024

# Flask config key -> (environment variable, type, default). Read by Settings.app_config().
FROM_ENV: dict[str, tuple[str, type, object]] = {
    "CONTENT_DIR": ("PORTAL_CONTENT_DIR", str, str(BASE_DIR / "content")),
    # The plan the single-plan site serves (a folder name under content/plans/); unset = newest year.
    "CURRENT_PLAN": ("PORTAL_CURRENT_PLAN", str, ""),
    # The plan the addresses from before plans had their own pages belong to (/zh/items/2.3 answers a 301
    # to it, /api/v1/items answers for it): they were published for the 2023 notice and must stay so.
    "LEGACY_PLAN": ("PORTAL_LEGACY_PLAN", str, FIRST_PLAN),
    "SEARCH_INDEX": ("PORTAL_SEARCH_INDEX", str, str(BASE_DIR / "search_index")),
    "PORTAL_HTTPS": ("PORTAL_HTTPS", bool, False),
    "PORTAL_TODAY": ("PORTAL_TODAY", str, None),  # fixed date for tests and demos; unset = real date
    "FEEDBACK_RATE_LIMIT": ("PORTAL_FEEDBACK_RATE_LIMIT", int, 5),
    "FEEDBACK_RATE_WINDOW": ("PORTAL_FEEDBACK_RATE_WINDOW", int, 600),
    # Tracking look-ups and pages per address (Flask-Limiter syntax); a resident needs a handful.
    "TRACKING_RATE_LIMIT": ("PORTAL_TRACKING_RATE_LIMIT", str, "30 per minute;300 per day"),
    # How long a request waits for a database lock before the 503 page (SQLite busy_timeout,
    # PostgreSQL lock_timeout).
    "DB_BUSY_TIMEOUT_MS": ("PORTAL_DB_BUSY_TIMEOUT_MS", int, 10000),
    # Several nodes on one database: how often a node compares its search index with the database.
    "SEARCH_REFRESH_SECONDS": ("PORTAL_SEARCH_REFRESH_SECONDS", float, 10.0),
    # Search log (query text and counts per week): how long a worker gathers counts before writing.
    "SEARCH_LOG_FLUSH_SECONDS": ("PORTAL_SEARCH_LOG_FLUSH_SECONDS", float, 30.0),
    # Flask-Limiter: memory:// counts per worker process; a shared store counts across workers and nodes.
    "RATELIMIT_STORAGE_URI": ("PORTAL_RATELIMIT_STORAGE_URI", str, "memory://"),
    # Proxies in front that set X-Forwarded-For/-Proto (1 behind nginx); 0 trusts no such header.
    "PROXY_HOPS": ("PORTAL_PROXY_HOPS", int, 0),
    # Public pages: seconds a shared cache (nginx) may answer before it revalidates with the app
    # (docs/deploy.md); browsers always revalidate. 0 is not stored by nginx at all.
    "PUBLIC_CACHE_SECONDS": ("PORTAL_PUBLIC_CACHE_SECONDS", int, 1),
    # Flask-Caching store for rendered parts of public pages (portal/fragments.py): SimpleCache keeps them
    # in each worker; NullCache renders everything every time; RedisCache shares them between workers.
    "CACHE_TYPE": ("PORTAL_CACHE_TYPE", str, "SimpleCache"),
    "CACHE_THRESHOLD": ("PORTAL_CACHE_THRESHOLD", int, 500),
    "CACHE_REDIS_URL": ("PORTAL_CACHE_REDIS_URL", str, ""),
    # The address printed on posters and QR codes and given as canonical/og:url, such as
    # https://zj.example.gov.cn; unset = the address the request came in on.
    "PUBLIC_URL": ("PORTAL_PUBLIC_URL", str, ""),
    # Where to report a security problem (mailto: or https:), served as /.well-known/security.txt (RFC 9116);
    # unset = no such file (a contact nobody reads is worse than none).
    "SECURITY_CONTACT": ("PORTAL_SECURITY_CONTACT", str, ""),
    # "This matters to me" clicks allowed per address (Flask-Limiter syntax).
    "MARK_RATE_LIMIT": ("PORTAL_MARK_RATE_LIMIT", str, "30 per hour"),
    # Staff sessions (services/staff_sessions.py): ended after this long without a request, and
    # this long after login whatever happens; admins need a second factor when REQUIRE_2FA is on.
    "STAFF_IDLE_MINUTES": ("PORTAL_STAFF_IDLE_MINUTES", float, 30.0),
    "STAFF_SESSION_HOURS": ("PORTAL_STAFF_SESSION_HOURS", float, 12.0),
    "REQUIRE_2FA": ("PORTAL_REQUIRE_2FA", bool, False),
    # Managing accounts needs the password typed (at login or when asked again) this many seconds ago at most.
    "REAUTH_SECONDS": ("PORTAL_REAUTH_SECONDS", int, 600),
    # Failed staff logins allowed (Flask-Limiter syntax); the longer windows make the wait grow.
    "LOGIN_LIMIT_PER_ADDRESS": ("PORTAL_LOGIN_LIMIT_PER_ADDRESS", str, "20 per minute;60 per hour;200 per day"),
    "LOGIN_LIMIT_PER_ACCOUNT": ("PORTAL_LOGIN_LIMIT_PER_ACCOUNT", str, "5 per minute;10 per hour;20 per day"),
    # Failed logins per name from all addresses together: caps guesses spread over many addresses.
    "LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE": ("PORTAL_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE", str, "50 per day"),
    # Follow by e-mail: hidden unless PORTAL_SMTP_HOST is set (docs/follow-and-privacy.md).
    "SMTP_HOST": ("PORTAL_SMTP_HOST", str, ""),
    "SMTP_PORT": ("PORTAL_SMTP_PORT", int, 587),
    "SMTP_USER": ("PORTAL_SMTP_USER", str, ""),
    "SMTP_PASSWORD": ("PORTAL_SMTP_PASSWORD", str, ""),
    "SMTP_FROM": ("PORTAL_SMTP_FROM", str, ""),
    "SMTP_STARTTLS": ("PORTAL_SMTP_STARTTLS", bool, True),
    "CONTACT_RETENTION_DAYS": ("PORTAL_CONTACT_RETENTION_DAYS", int, 180),
    # Shown in the footer only when set.
    "SITE_OPERATOR": ("PORTAL_SITE_OPERATOR", str, ""),
    "GOV_SITE_CODE": ("PORTAL_GOV_SITE_CODE", str, ""),
    "ICP_FILING": ("PORTAL_ICP_FILING", str, ""),
    "PSB_FILING": ("PORTAL_PSB_FILING", str, ""),
    # Largest progress spreadsheet a staff member may upload (only that route accepts more than 64 KB).
    "SHEET_MAX_BYTES": ("PORTAL_SHEET_MAX_BYTES", int, 2 * 1024 * 1024),
    "NOTICE_MAX_BYTES": ("PORTAL_NOTICE_MAX_BYTES", int, NOTICE_MAX_BYTES),
    # Largest staff form kept on the server while its sender types the password again (services/pending_forms.py),
    # as JSON in UTF-8. The largest real staff form, a work point's update or outcome (two notes of 2,000
    # characters and the figures), is 16.4 KB with every character a 4-byte one (12.3 KB in Chinese); an
    # account form, the only kind kept today, 2.2 KB. Twice the largest, and half the 64 KB request limit.
    "PENDING_FORM_MAX_BYTES": ("PORTAL_PENDING_FORM_MAX_BYTES", int, 32 * 1024),
    "NOTICE_MAX_UNZIPPED_BYTES": ("PORTAL_NOTICE_MAX_UNZIPPED_BYTES", int, NOTICE_MAX_UNZIPPED_BYTES),
}

# Settings that public pages or the API show (the footer, canonical links, which plan /<lang>/ and /api/v1/items
# answer for): part of the release that every ETag and kept page part names (portal/http_caching.py), so a
# restart with another value is never answered with a 304 for a page that showed the old one.
SHOWN_ON_PAGES = ("CURRENT_PLAN", "LEGACY_PLAN", "PUBLIC_URL", "SITE_OPERATOR", "GOV_SITE_CODE", "ICP_FILING",
                  "PSB_FILING")
# Settings whose presence alone pages show: a mail server turns on the follow-by-e-mail form.
SWITCHES_ON_PAGES = ("SMTP_HOST",)

# Settings that are the same on every install.
FIXED: dict[str, object] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "RATELIMIT_HEADERS_ENABLED": True,
    "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
    "BABEL_DEFAULT_LOCALE": "zh",
    # Times are stored in UTC; dates on pages are Shanghai dates (a comment at 07:00 is not "yesterday").
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # A multipart text part, at most (Flask's default is 500 KB): no field is larger than the body every form but
    # the sheet upload may have, and that one's larger limit is for its file (staff/sheets.py: allow_sheet_upload).
    "MAX_FORM_MEMORY_SIZE": 64 * 1024,
    "JSON_AS_ASCII": False,
    # Cached page parts are keyed on the data version, so an old one is never shown, only left behind:
    # it goes after an hour (or sooner, when CACHE_THRESHOLD entries are kept).
    "CACHE_DEFAULT_TIMEOUT": 3600,
}


# Shorter than this is a word someone chose, not a random key (secrets.token_hex(32) gives 64 characters).
MIN_SECRET_KEY_LENGTH = 32
ENVIRONMENTS = ("production", "development")


class ConfigError(RuntimeError):
    """A setting the portal refuses to start with; the message says what to set (wsgi.py prints it alone)."""


class Settings:
    """Reads environment variables by name and type; the app and gunicorn.conf.py both use it."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self._environ = os.environ if environ is None else environ

    def read(self, name: str, kind: type, default=None):
        value = self._environ.get(name)
        if value is None:
            return default
        if kind is bool:
            return value.strip().lower() in TRUE_WORDS
        return kind(value)

    def instance_dir(self) -> Path:
        instance = Path(self.read("PORTAL_INSTANCE_DIR", str, BASE_DIR / "instance"))
        instance.mkdir(parents=True, exist_ok=True)
        return instance

    def environment(self) -> str:
        return (self.read("PORTAL_ENV", str) or "").strip().lower()

    def production_problems(self) -> list[str]:
        """What PORTAL_ENV=production refuses, each saying what to set; empty outside production."""
        env = self.environment()
        if env and env not in ENVIRONMENTS:
            # A typo (prod) used to be silently "not production": each node generated its own key.
            return [f"PORTAL_ENV={self.read('PORTAL_ENV', str)} is not known; set PORTAL_ENV=production "
                    "(or development, or leave it unset)"]
        if env != "production":
            return []
        problems = []
        key = self.read("PORTAL_SECRET_KEY", str) or ""
        make_key = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
        if not key:
            problems.append(f"PORTAL_SECRET_KEY must be set when PORTAL_ENV=production (the same on every node): {make_key}")
        elif len(key) < MIN_SECRET_KEY_LENGTH:
            problems.append(f"PORTAL_SECRET_KEY is {len(key)} characters; use at least {MIN_SECRET_KEY_LENGTH} "
                            f"random ones: {make_key}")
        if not (self.read("PORTAL_PUBLIC_URL", str) or "").strip():
            problems.append("PORTAL_PUBLIC_URL must be set when PORTAL_ENV=production: the address printed on "
                            "posters and QR codes, such as https://zj.example.gov.cn")
        if self.read("FLASK_DEBUG", bool, False):
            problems.append("FLASK_DEBUG must not be set when PORTAL_ENV=production")
        if self.read("PORTAL_TODAY", str):
            problems.append("PORTAL_TODAY fixes the date for demos and tests; unset it when PORTAL_ENV=production")
        return problems

    def secret_key(self, instance: Path) -> str:
        key = self.read("PORTAL_SECRET_KEY", str)
        if key:
            return key
        # Generated once and kept, so sessions survive restarts on a developer or single-node install.
        path = instance / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

    def app_config(self) -> dict:
        problems = self.production_problems()
        if problems:
            raise ConfigError("; ".join(problems))
        instance = self.instance_dir()
        config = {key: self.read(name, kind, default) for key, (name, kind, default) in FROM_ENV.items()}
        config.update(FIXED)
        config.update(
            SECRET_KEY=self.secret_key(instance),
            INSTANCE_DIR=str(instance),
            SQLALCHEMY_DATABASE_URI=self.read("PORTAL_DATABASE_URL", str, f"sqlite:///{instance / 'portal.db'}"),
            CURRENT_PLAN=config["CURRENT_PLAN"] or None,
            PUBLIC_URL=config["PUBLIC_URL"].strip(),
            SESSION_COOKIE_SECURE=config["PORTAL_HTTPS"],
        )
        if not config["CACHE_REDIS_URL"]:
            del config["CACHE_REDIS_URL"]
        if config["SMTP_HOST"] and not config["PUBLIC_URL"]:
            # A mail's links need an address the town chose: the request's Host header is whatever the
            # sender wrote (nginx passes it on), and a staging server mails real people too.
            raise ConfigError("PORTAL_PUBLIC_URL must be set when PORTAL_SMTP_HOST is: links in mails point to it")
        return config


def from_env() -> dict:
    """The Flask config read from the process environment."""
    return Settings().app_config()
