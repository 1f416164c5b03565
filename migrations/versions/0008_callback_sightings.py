"""callback sightings: signatures of accepted platform callbacks, so replays are refused

Revision ID: 0008
Revises: 0001
Create Date: 2026-11-28 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = '0008'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'callback_sightings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.Column('seen_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_sightings')),
        sa.UniqueConstraint(
            'platform', 'signature', name=op.f('uq_callback_sightings_platform_signature')
        ),
    )
    with op.batch_alter_table('callback_sightings', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_callback_sightings_seen_at'), ['seen_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('callback_sightings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_sightings_seen_at'))
    op.drop_table('callback_sightings')
