"""revoke, namesakes, early handover: a broadcast recipient removed when the person is revoked;
two people of one name in one unit (added on purpose with --allow-duplicate); the reason given
for a 交班 before the handover window

Revision ID: 0013
Revises: 0002, 0005
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = '0013'
# duty_handovers (0002) and broadcast_recipients (0005); users come from 0001 before both
down_revision: str | tuple[str, ...] | None = ('0002', '0005')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('broadcast_recipients', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('removed_at', bot.store.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('removed_note', sa.String(length=200), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_name_org_id', type_='unique')
    with op.batch_alter_table('duty_handovers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early_reason', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('duty_handovers', schema=None) as batch_op:
        batch_op.drop_column('early_reason')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_users_name_org_id', ['name', 'org_id'])
    with op.batch_alter_table('broadcast_recipients', schema=None) as batch_op:
        batch_op.drop_column('removed_note')
        batch_op.drop_column('removed_at')
