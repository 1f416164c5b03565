"""phone_contacts: every SMS and voice call the escalation ladder queued, for the per-person
limits and the per-month per-unit counts (issue 18)

Revision ID: 0032
Revises: 0005
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0032"
# broadcasts (0005) and users / org_units (0001) are what a contact names
down_revision: str | tuple[str, ...] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "phone_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_key", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_phone_contacts_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_phone_contacts_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_phone_contacts_broadcast_id_broadcasts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_contacts")),
        sa.UniqueConstraint("outbox_key", name=op.f("uq_phone_contacts_outbox_key")),
    )
    op.create_index(
        "ix_phone_contacts_user_id_created_at", "phone_contacts", ["user_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_phone_contacts_user_id_created_at", table_name="phone_contacts")
    op.drop_table("phone_contacts")
