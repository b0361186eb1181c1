"""Flask extensions, created once here and bound to an app in create_app()."""
import ipaddress

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from .view_limiter import ViewLimiter


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
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


# Every limit is declared on its view; ViewLimiter spares the pages without one Flask-Limiter's hooks.
limiter = ViewLimiter(key_func=client_network, default_limits=[])


class StaffLoginManager(LoginManager):
    """Flask-Login for the staff back office. There is no "remember me": its after-request hook would
    read the session on every response, and Flask would then add Vary: Cookie to cached public pages."""

    def _update_remember_cookie(self, response):
        return response


login_manager = StaffLoginManager()
login_manager.session_protection = "basic"
