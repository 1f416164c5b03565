"""instances: each beat also records when the instance's sender last looked at the outbox and
when its poller last had an answer from Telegram, so the auditor on any instance can tell the
admins when one falls silent (issue 15)

Revision ID: 0027
Revises: 0018
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0027"
# the instances table was created in 0018
down_revision: str | tuple[str, ...] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "instances",
        sa.Column("sender_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "instances",
        sa.Column("polled_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("instances") as batch_op:
        batch_op.drop_column("polled_at")
        batch_op.drop_column("sender_at")
