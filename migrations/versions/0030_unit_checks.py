"""duty_unit_checks and duty_unit_phones: 县级查岗 of townships and departments, each unit's
值班电话 (issue 16)

Revision ID: 0030
Revises: 0001
Create Date: 2026-12-07 11:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0030"
# org_units and users were created in 0001; both tables are new
down_revision: str | tuple[str, ...] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duty_unit_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("asked_ids", sa.JSON(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("asked_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_duty_unit_checks_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_duty_unit_checks_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_duty_unit_checks_answered_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_unit_checks")),
    )
    op.create_index(
        op.f("ix_duty_unit_checks_org_id"), "duty_unit_checks", ["org_id"], unique=False
    )
    op.create_index(
        op.f("ix_duty_unit_checks_asked_at"), "duty_unit_checks", ["asked_at"], unique=False
    )
    op.create_table(
        "duty_unit_phones",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_duty_unit_phones_org_id_org_units")
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_duty_unit_phones")),
    )


def downgrade() -> None:
    op.drop_table("duty_unit_phones")
    op.drop_index(op.f("ix_duty_unit_checks_asked_at"), table_name="duty_unit_checks")
    op.drop_index(op.f("ix_duty_unit_checks_org_id"), table_name="duty_unit_checks")
    op.drop_table("duty_unit_checks")
