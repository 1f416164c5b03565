"""button action tokens (long button commands behind short callback data)

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-26 05:30:05.040650
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = '0006'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'button_actions',
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('command', sa.Text(), nullable=False),
        sa.Column('created_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_button_actions')),
    )
    with op.batch_alter_table('button_actions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_button_actions_last_used_at'), ['last_used_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('button_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_button_actions_last_used_at'))
    op.drop_table('button_actions')
