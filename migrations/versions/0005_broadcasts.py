"""broadcasts: emergency broadcasts, recipients, acks; at-most-once outbox rows (issue 7)

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-26 05:49:18.028807
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)


revision: str = '0005'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary_target', sa.String(length=200), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('sent_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('summary_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_broadcasts_approved_by_users')),
    sa.ForeignKeyConstraint(['cancelled_by'], ['users.id'], name=op.f('fk_broadcasts_cancelled_by_users')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_broadcasts_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts')),
    sa.UniqueConstraint('code', name=op.f('uq_broadcasts_code'))
    )
    op.create_table('broadcast_acks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('acked_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('chat', sa.String(length=200), nullable=False),
    sa.Column('after_cancel', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_acks_broadcast_id_broadcasts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_broadcast_acks_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_acks')),
    sa.UniqueConstraint('broadcast_id', 'user_id', name=op.f('uq_broadcast_acks_broadcast_id_user_id'))
    )
    op.create_index(op.f('ix_broadcast_acks_broadcast_id'), 'broadcast_acks', ['broadcast_id'])
    op.create_table('broadcast_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('targets', bot.store.base.JSONText(), nullable=False),
    sa.Column('renotified', sa.Integer(), nullable=False),
    sa.Column('escalated_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_recipients_broadcast_id_broadcasts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_broadcast_recipients_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_recipients'))
    )
    op.create_index(
        op.f('ix_broadcast_recipients_broadcast_id'), 'broadcast_recipients', ['broadcast_id']
    )
    # Broadcast rows are sent at most once: one caught mid-send by a crash is marked uncertain.
    op.add_column(
        'outbox', sa.Column('at_most_once', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column(
        'outbox', sa.Column('send_started_at', bot.store.base.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch_op:
        batch_op.drop_column('send_started_at')
        batch_op.drop_column('at_most_once')
    op.drop_index(op.f('ix_broadcast_recipients_broadcast_id'), 'broadcast_recipients')
    op.drop_table('broadcast_recipients')
    op.drop_index(op.f('ix_broadcast_acks_broadcast_id'), 'broadcast_acks')
    op.drop_table('broadcast_acks')
    op.drop_table('broadcasts')
