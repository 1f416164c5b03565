"""rules checked against their sources: 建议提案 contacts by mode and B-answer follow-ups, the
信访 referral of 检举控告 to 纪检监察, the 接报 time of duty-log entries and incidents

Revision ID: 0015
Revises: 0002, 0003
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = '0015'
# proposals and petitions were created in 0003, the duty tables in 0002
down_revision: str | tuple[str, ...] | None = ('0002', '0003')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'proposals',
        sa.Column('contacts', bot.store.base.JSONText(), nullable=False, server_default='{}'),
    )
    op.add_column('proposals', sa.Column('followup_due', sa.Date(), nullable=True))
    op.add_column('proposals', sa.Column('followup_on', sa.Date(), nullable=True))
    # The one contact recorded so far becomes the first of its mode.
    op.add_column(
        'petitions',
        sa.Column('referred_to', sa.String(length=50), nullable=False, server_default=''),
    )
    op.add_column(
        'duty_logs',
        sa.Column('occurred_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        'duty_incidents',
        sa.Column('reported_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE proposals SET contacts = '{\"' || contact_mode || '\": \"' "
        "|| CAST(contacted_on AS VARCHAR(10)) || '\"}' "
        "WHERE contacted_on IS NOT NULL AND contact_mode <> ''"
    )


def downgrade() -> None:
    op.drop_column('duty_incidents', 'reported_at')
    op.drop_column('duty_logs', 'occurred_at')
    op.drop_column('petitions', 'referred_to')
    op.drop_column('proposals', 'followup_on')
    op.drop_column('proposals', 'followup_due')
    op.drop_column('proposals', 'contacts')
