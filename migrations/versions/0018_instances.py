"""instances: each process beats a heartbeat row; outbox and due claims name their owner, so a
live instance takes over a dead one's claims at once (issue 15)

Revision ID: 0018
Revises: 0001
Create Date: 2026-12-07 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0018"
# outbox and due_items were created in 0001; the instances table is new
down_revision: str | tuple[str, ...] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instances",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instances")),
    )
    op.add_column("outbox", sa.Column("claimed_by", sa.String(length=64), nullable=True))
    op.add_column(
        "outbox", sa.Column("resent", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column(
        "due_items", sa.Column("resumed", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("due_items") as batch_op:
        batch_op.drop_column("resumed")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("resent")
        batch_op.drop_column("claimed_by")
    op.drop_table("instances")
