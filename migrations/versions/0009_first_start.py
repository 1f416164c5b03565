"""first start: when the bot first started on the database, so cron runs before it are not caught up

Revision ID: 0009
Revises: 0001
Create Date: 2026-12-07 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = '0009'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'first_start',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_first_start')),
    )
    # A bot that already ran cron jobs has existed since its first run at the latest, so a
    # restart right after this upgrade still catches up what fell due while it was down.
    op.execute(
        "INSERT INTO first_start (id, started_at) "
        "SELECT 1, MIN(started_at) FROM cron_runs HAVING COUNT(*) > 0"
    )


def downgrade() -> None:
    op.drop_table('first_start')
