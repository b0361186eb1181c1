"""subscription addresses in the one spelling the follow service now uses (NFKC, lower case, IDN domain as
xn--): rows that were one mailbox typed twice ("Resident@qq.com", "resident@qq.com") become one

Revision ID: subscription_email
Revises: username_key
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa

revision = "subscription_email"
down_revision = "username_key"
branch_labels = None
depends_on = None

EMAIL_RE = re.compile(r"[a-z0-9._%+-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:[a-z]{2,}|xn--[a-z0-9-]+)")
DOTS = re.compile("[\u3002\uff0e\uff61]")


def _normalise(value):
    # portal/services/follow.normalise_email as of this revision, written out: a migration must not change
    # when the app's code does (tests/test_migrations.py checks the two agree).
    value = unicodedata.normalize("NFKC", value or "").strip()
    local, at, domain = value.rpartition("@")
    if not at:
        return None
    try:
        domain = DOTS.sub(".", domain).encode("idna").decode("ascii")
    except UnicodeError:
        return None
    address = f"{local}@{domain}".lower()
    if len(address) > 254 or not EMAIL_RE.fullmatch(address):
        return None
    return address


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, email, kind, key, confirmed_at FROM subscription ORDER BY id")).all()
    kept: dict[tuple, object] = {}
    # Of one mailbox's rows for one thing, the confirmed one stays (else the first): the resident said yes to it.
    for row in sorted(rows, key=lambda r: (r.confirmed_at is None, r.id)):
        address = _normalise(row.email) or row.email  # an address the app would now refuse stays as it was
        group = (address, row.kind, row.key)
        if group in kept:
            conn.execute(sa.text("DELETE FROM subscription WHERE id = :id"), {"id": row.id})
            continue
        kept[group] = row.id
        if address != row.email:
            conn.execute(sa.text("UPDATE subscription SET email = :email WHERE id = :id"),
                         {"email": address, "id": row.id})


def downgrade():
    pass  # the spellings that were merged are not kept: one mailbox stays one row
