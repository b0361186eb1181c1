"""staff sessions hold the TOTP secret being set up (never the cookie); a session can end because the
account's second factor changed

Revision ID: staff_factor_proof
Revises: plans_core
"""
from alembic import op
import sqlalchemy as sa

revision = "staff_factor_proof"
down_revision = "plans_core"
branch_labels = None
depends_on = None

# The values as of this revision, written out: a migration must not change when the app's enums do.
BEFORE = ("logout", "idle", "expired", "disabled", "role", "password", "admin")
AFTER = BEFORE + ("second_factor",)


def _enum(values) -> sa.Enum:
    return sa.Enum(*values, name="ck_sessionend", native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table("staff_session") as batch_op:
        batch_op.add_column(sa.Column("totp_pending", sa.String(length=64), nullable=True))
        batch_op.alter_column("end_reason", existing_type=_enum(BEFORE), type_=_enum(AFTER), existing_nullable=True)


def downgrade():
    op.execute(sa.text("UPDATE staff_session SET end_reason = 'password' WHERE end_reason = 'second_factor'"))
    with op.batch_alter_table("staff_session") as batch_op:
        batch_op.alter_column("end_reason", existing_type=_enum(AFTER), type_=_enum(BEFORE), existing_nullable=True)
        batch_op.drop_column("totp_pending")
