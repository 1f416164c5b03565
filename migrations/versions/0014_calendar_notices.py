"""calendar_notices, calendar_days, estimated_deadlines: imported State Council holiday notices and
deadlines computed from estimated holidays (issue 14)

Revision ID: 0014
Revises: 0001
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)


revision: str = '0014'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_notices',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('imported_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=160), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_notices'))
    )
    op.create_table('calendar_days',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['calendar_notices.year'], name=op.f('fk_calendar_days_year_calendar_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'day', name=op.f('pk_calendar_days'))
    )
    op.create_table('estimated_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('start_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rule', bot.store.base.JSONText(), nullable=False),
    sa.Column('extension', sa.Integer(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('noted_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_estimated_deadlines')),
    sa.UniqueConstraint('feature', 'item_id', 'field', name=op.f('uq_estimated_deadlines_feature_item_id_field'))
    )


def downgrade() -> None:
    op.drop_table('estimated_deadlines')
    op.drop_table('calendar_days')
    op.drop_table('calendar_notices')
