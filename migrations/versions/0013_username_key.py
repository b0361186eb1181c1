"""staff usernames are compared by a stored key (NFKC, casefold, stripped), not by SQL lower(),
which folds ASCII only on SQLite: "MÜLLER" beside "Müller" was a second account

Revision ID: username_key
Revises: staff_factor_proof
"""
import unicodedata

from alembic import op
import sqlalchemy as sa

revision = "username_key"
down_revision = "staff_factor_proof"
branch_labels = None
depends_on = None

KEY_MAX = 256


def _key(username: str) -> str:
    # portal/usernames.username_key as of this revision, written out: a migration must not change
    # when the app's code does (tests/test_staff_usernames.py checks the two agree).
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold()).strip()


def _keys(conn) -> list[tuple[int, str]]:
    """(id, key) of every account; a clear stop if two accounts would share a key, since picking
    one of them (and locking the other out, or merging them) is a decision for a person."""
    rows = [(row_id, name, _key(name)) for row_id, name in
            conn.execute(sa.text("SELECT id, username FROM staff_user ORDER BY id"))]
    first: dict[str, str] = {}
    clashes = []
    for _id, name, key in rows:
        if key in first:
            clashes.append(f"{first[key]!r} and {name!r}")
        first.setdefault(key, name)
    if clashes:
        raise RuntimeError(
            "These staff accounts differ only in letter case or character width, and logins could not "
            f"tell them apart: {'; '.join(clashes)}. Rename or remove one of each pair "
            "(UPDATE staff_user SET username = ... WHERE id = ...) and run the upgrade again.")
    too_long = [name for _id, name, key in rows if len(key) > KEY_MAX]
    if too_long:
        raise RuntimeError(f"These staff usernames are too long once normalised: {too_long!r}. Rename them first.")
    return [(row_id, key) for row_id, _name, key in rows]


def upgrade():
    conn = op.get_bind()
    keys = _keys(conn)  # before anything changes, so a clash leaves the database as it was
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.add_column(sa.Column("username_key", sa.String(length=KEY_MAX), nullable=True))
    for row_id, key in keys:
        conn.execute(sa.text("UPDATE staff_user SET username_key = :key WHERE id = :id"), {"key": key, "id": row_id})
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.alter_column("username_key", existing_type=sa.String(length=KEY_MAX), nullable=False)
        batch_op.create_index(batch_op.f("ix_staff_user_username_key"), ["username_key"], unique=True)


def downgrade():
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_user_username_key"))
        batch_op.drop_column("username_key")
