"""Configuration from PORTAL_* environment variables, with safe defaults for a single machine."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    key = os.environ.get("PORTAL_SECRET_KEY")
    if key:
        return key
    if os.environ.get("PORTAL_ENV") == "production":
        raise RuntimeError("PORTAL_SECRET_KEY must be set when PORTAL_ENV=production")
    # Generated once and kept, so sessions survive restarts on a developer or single-node install.
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_env() -> dict:
    instance = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    https = _bool("PORTAL_HTTPS")
    return {
        "SECRET_KEY": _secret_key(instance),
        "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("PORTAL_DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
        "CONTENT_DIR": os.environ.get("PORTAL_CONTENT_DIR", str(BASE_DIR / "content")),
        # The plan the single-plan site serves (a folder name under content/plans/); unset = newest year.
        "CURRENT_PLAN": os.environ.get("PORTAL_CURRENT_PLAN") or None,
        "SEARCH_INDEX": os.environ.get("PORTAL_SEARCH_INDEX", str(BASE_DIR / "search_index")),
        "PORTAL_HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PORTAL_TODAY": os.environ.get("PORTAL_TODAY"),  # fixed date for tests and demos; unset = real date
        "FEEDBACK_RATE_LIMIT": int(os.environ.get("PORTAL_FEEDBACK_RATE_LIMIT", "5")),
        "FEEDBACK_RATE_WINDOW": int(os.environ.get("PORTAL_FEEDBACK_RATE_WINDOW", "600")),
        # Tracking look-ups and pages per address (Flask-Limiter syntax); a resident needs a handful.
        "TRACKING_RATE_LIMIT": os.environ.get("PORTAL_TRACKING_RATE_LIMIT", "30 per minute;300 per day"),
        # How long a request waits for a database lock before the 503 page (SQLite busy_timeout,
        # PostgreSQL lock_timeout).
        "DB_BUSY_TIMEOUT_MS": int(os.environ.get("PORTAL_DB_BUSY_TIMEOUT_MS", "10000")),
        # Several nodes on one database: how often a node compares its search index with the database.
        "SEARCH_REFRESH_SECONDS": float(os.environ.get("PORTAL_SEARCH_REFRESH_SECONDS", "10")),
        # Search log (query text and counts per week): how long a worker gathers counts before writing.
        "SEARCH_LOG_FLUSH_SECONDS": float(os.environ.get("PORTAL_SEARCH_LOG_FLUSH_SECONDS", "30")),
        # A PostgreSQL restart or failover must not leave dead pooled connections to fail requests.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Proxies in front that set X-Forwarded-For/-Proto (1 behind nginx); 0 trusts no such header.
        # Flask-Limiter: memory:// counts per worker process; a shared store counts across workers and nodes.
        "RATELIMIT_STORAGE_URI": os.environ.get("PORTAL_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "PROXY_HOPS": int(os.environ.get("PORTAL_PROXY_HOPS", "0")),
        # The address printed on posters and QR codes and given as canonical/og:url, such as
        # https://zj.example.gov.cn; unset = the address the request came in on.
        # Public pages: seconds a shared cache (nginx) may answer before it revalidates with the app
        # (docs/deploy.md); browsers always revalidate. 0 is not stored by nginx at all.
        "PUBLIC_CACHE_SECONDS": int(os.environ.get("PORTAL_PUBLIC_CACHE_SECONDS", "1")),
        "PUBLIC_URL": os.environ.get("PORTAL_PUBLIC_URL", "").strip(),
        # "This matters to me" clicks allowed per address (Flask-Limiter syntax).
        "MARK_RATE_LIMIT": os.environ.get("PORTAL_MARK_RATE_LIMIT", "30 per hour"),
        # Staff sessions (services/staff_sessions.py): ended after this long without a request, and
        # this long after login whatever happens; admins need a second factor when REQUIRE_2FA is on.
        "STAFF_IDLE_MINUTES": float(os.environ.get("PORTAL_STAFF_IDLE_MINUTES", "30")),
        "STAFF_SESSION_HOURS": float(os.environ.get("PORTAL_STAFF_SESSION_HOURS", "12")),
        "REQUIRE_2FA": _bool("PORTAL_REQUIRE_2FA"),
        # Failed staff logins allowed (Flask-Limiter syntax); the longer windows make the wait grow.
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("PORTAL_LOGIN_LIMIT_PER_ADDRESS",
                                                  "20 per minute;60 per hour;200 per day"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("PORTAL_LOGIN_LIMIT_PER_ACCOUNT",
                                                  "5 per minute;10 per hour;20 per day"),
        # Follow by e-mail: hidden unless PORTAL_SMTP_HOST is set (docs/follow-and-privacy.md).
        "SMTP_HOST": os.environ.get("PORTAL_SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("PORTAL_SMTP_PORT", "587")),
        "SMTP_USER": os.environ.get("PORTAL_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("PORTAL_SMTP_PASSWORD", ""),
        "SMTP_FROM": os.environ.get("PORTAL_SMTP_FROM", ""),
        "SMTP_STARTTLS": _bool("PORTAL_SMTP_STARTTLS", True),
        "CONTACT_RETENTION_DAYS": int(os.environ.get("PORTAL_CONTACT_RETENTION_DAYS", "180")),
        # Shown in the footer only when set.
        "SITE_OPERATOR": os.environ.get("PORTAL_SITE_OPERATOR", ""),
        "GOV_SITE_CODE": os.environ.get("PORTAL_GOV_SITE_CODE", ""),
        "ICP_FILING": os.environ.get("PORTAL_ICP_FILING", ""),
        "PSB_FILING": os.environ.get("PORTAL_PSB_FILING", ""),
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
        "BABEL_DEFAULT_LOCALE": "zh",
        # Times are stored in UTC; dates on pages are Shanghai dates (a comment at 07:00 is not "yesterday").
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # Largest progress spreadsheet a staff member may upload (only that route accepts more than 64 KB).
        "SHEET_MAX_BYTES": int(os.environ.get("PORTAL_SHEET_MAX_BYTES", str(2 * 1024 * 1024))),
        "JSON_AS_ASCII": False,
    }
