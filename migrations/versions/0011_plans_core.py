"""plans side by side: work_item and the records about a work point carry the plan's slug;
codes are unique within a plan only. Existing rows become the 2023 plan's; an outcome recorded for
another plan's item gets that plan's own work_item row.

Revision ID: plans_core
Revises: enums
"""
from alembic import op
import sqlalchemy as sa

revision = "plans_core"
down_revision = "enums"
branch_labels = None
depends_on = None

FIRST_PLAN = "2023-city-management"
CHILDREN = ("status_update", "project_site", "feedback", "matter_mark")
# The constraints 0001/0002 created without names: SQLite's batch mode names them by this convention
# when it reflects the table; PostgreSQL gave them its own default names.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "uq": "uq_%(table_name)s_%(column_0_name)s"}


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _old_fk(table: str) -> str:
    return f"{table}_item_code_fkey" if _pg() else f"fk_{table}_item_code_work_item"


def _old_mark_unique() -> str:
    return "matter_mark_subject_browser_hash_key" if _pg() else "uq_matter_mark_subject"


def _add_plan(table: str) -> None:
    with op.batch_alter_table(table, naming_convention=NAMING) as batch:
        batch.add_column(sa.Column("plan", sa.String(length=64), nullable=True))
    op.execute(sa.text(f"UPDATE {table} SET plan = :slug").bindparams(slug=FIRST_PLAN))


def upgrade():
    for table in CHILDREN:
        _add_plan(table)
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.alter_column("plan", existing_type=sa.String(length=64), nullable=False)
            batch.drop_constraint(_old_fk(table), type_="foreignkey")
            if table == "matter_mark":
                batch.drop_constraint(_old_mark_unique(), type_="unique")
                batch.create_unique_constraint("uq_matter_mark_plan_subject", ["plan", "subject", "browser_hash"])
    _add_plan("work_item")
    with op.batch_alter_table("work_item", naming_convention=NAMING) as batch:
        batch.alter_column("plan", existing_type=sa.String(length=64), nullable=False)
        batch.drop_index("ix_work_item_code")
        batch.create_index("ix_work_item_code", ["code"], unique=False)
        batch.create_index("ix_work_item_plan", ["plan"], unique=False)
        batch.create_unique_constraint("uq_work_item_plan_code", ["plan", "code"])
    for table in CHILDREN:
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.create_foreign_key(f"fk_{table}_plan_item", "work_item", ["plan", "item_code"], ["plan", "code"])
    _outcomes_to_their_plans()
    # Following a work point follows one plan's: keys become "<plan>/<code>".
    op.execute(sa.text("UPDATE subscription SET key = :prefix || key WHERE kind = 'item'")
               .bindparams(prefix=FIRST_PLAN + "/"))


def _outcomes_to_their_plans() -> None:
    """item_outcome named its plan before work_item did: point each outcome at its own plan's row."""
    op.execute(sa.text(
        "INSERT INTO work_item (plan, code, section, deadline, loaded_at)"
        " SELECT DISTINCT o.plan_slug, o.item_code, w.section, w.deadline, w.loaded_at"
        " FROM item_outcome o JOIN work_item w ON w.id = o.work_item_id"
        " WHERE NOT EXISTS (SELECT 1 FROM work_item x WHERE x.plan = o.plan_slug AND x.code = o.item_code)"))
    op.execute(sa.text(
        "UPDATE item_outcome SET work_item_id = (SELECT w.id FROM work_item w"
        " WHERE w.plan = item_outcome.plan_slug AND w.code = item_outcome.item_code)"))
    with op.batch_alter_table("item_outcome", naming_convention=NAMING) as batch:
        batch.create_foreign_key("fk_item_outcome_plan_item", "work_item", ["plan_slug", "item_code"], ["plan", "code"])


def downgrade():
    """Back to one plan: only possible while no two plans share a code (the unique index refuses otherwise)."""
    op.execute(sa.text("UPDATE subscription SET key = substr(key, :start) WHERE kind = 'item' AND key LIKE :prefix")
               .bindparams(start=len(FIRST_PLAN) + 2, prefix=FIRST_PLAN + "/%"))
    with op.batch_alter_table("item_outcome", naming_convention=NAMING) as batch:
        batch.drop_constraint("fk_item_outcome_plan_item", type_="foreignkey")
    for table in CHILDREN:
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.drop_constraint(f"fk_{table}_plan_item", type_="foreignkey")
    with op.batch_alter_table("work_item", naming_convention=NAMING) as batch:
        batch.drop_constraint("uq_work_item_plan_code", type_="unique")
        batch.drop_index("ix_work_item_plan")
        batch.drop_index("ix_work_item_code")
        batch.create_index("ix_work_item_code", ["code"], unique=True)
        batch.drop_column("plan")
    for table in CHILDREN:
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            if table == "matter_mark":
                batch.drop_constraint("uq_matter_mark_plan_subject", type_="unique")
                batch.create_unique_constraint(_old_mark_unique(), ["subject", "browser_hash"])
            batch.drop_column("plan")
            batch.create_foreign_key(_old_fk(table), "work_item", ["item_code"], ["code"])
