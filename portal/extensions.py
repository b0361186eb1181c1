"""Flask extensions, created once here and bound to an app in create_app()."""
import ipaddress

from flask import request
from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
compress = Compress()
# Rendered parts of public pages, keyed on the data version (portal/fragments.py).
cache = Cache()
# Limits are declared where they apply (login, look-ups, marks). Storage is per process unless
# PORTAL_RATELIMIT_STORAGE_URI names a shared one (for example redis:// or memcached://).
def client_network() -> str:
    """The address every per-address limit counts (Flask-Limiter's and the comment service's): IPv4 as is,
    IPv6 as its /64. One subscriber (a phone on a mobile network, a home line) usually holds a whole /64;
    counted address by address, each of its 2^64 addresses was a fresh bucket, so one person could report a
    comment off the page alone or send comments and marks without limit."""
    address = get_remote_address()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is an IPv4 client seen through a dual-stack socket
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


limiter = Limiter(key_func=client_network, default_limits=[])
# Reading public pages, search and the open API has no limit: limits guard writes and look-ups of private
# codes. Telling Flask-Limiter so up front spares it resolving the limits of every page view (a twentieth
# of a page's CPU); tests/test_rate_limit_scope.py fails if a limit is ever put on such a read.
UNLIMITED_READS = frozenset({"public", "search", "api"})


@limiter.request_filter
def _unlimited_read() -> bool:
    req = request._get_current_object()  # proxies read once: docs/architecture.md
    return req.method in ("GET", "HEAD") and req.blueprint in UNLIMITED_READS


class StaffLoginManager(LoginManager):
    """Flask-Login for the staff back office. There is no "remember me": its after-request hook would
    read the session on every response, and Flask would then add Vary: Cookie to cached public pages."""

    def _update_remember_cookie(self, response):
        return response


login_manager = StaffLoginManager()
login_manager.session_protection = "basic"
