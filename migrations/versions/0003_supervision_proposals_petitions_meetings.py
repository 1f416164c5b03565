"""督办 items and their history, 建议提案, 信访, meetings and their decisions (issue 5).

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 05:47:20.086964
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)


revision: str = '0003'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_meetings_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    op.create_table('petitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('petitioner', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('registered_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('forward_due', sa.Date(), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('instruction_by', sa.String(length=50), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('forwarded_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('conclude_due', sa.Date(), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.String(length=10), nullable=False),
    sa.Column('opinion_text', sa.Text(), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('stage_due', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_petitions_created_by_users')),
    sa.ForeignKeyConstraint(['org_id'], ['org_units.id'], name=op.f('fk_petitions_org_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petitions'))
    )
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petitions_status'), ['status'], unique=False)

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('proposer', sa.String(length=100), nullable=False),
    sa.Column('lead_org_id', sa.Integer(), nullable=False),
    sa.Column('co_orgs', bot.store.base.JSONText(), nullable=False),
    sa.Column('complex', sa.Boolean(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('contact_due', sa.Date(), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=True),
    sa.Column('contact_mode', sa.String(length=10), nullable=False),
    sa.Column('reply_due', sa.Date(), nullable=False),
    sa.Column('redo_due', sa.Date(), nullable=True),
    sa.Column('first_replied_on', sa.Date(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('answer_code', sa.String(length=1), nullable=False),
    sa.Column('rating', sa.String(length=10), nullable=False),
    sa.Column('redo_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_proposals_created_by_users')),
    sa.ForeignKeyConstraint(['lead_org_id'], ['org_units.id'], name=op.f('fk_proposals_lead_org_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('kind', 'number', name=op.f('uq_proposals_kind_number'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_lead_org_id'), ['lead_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_status'), ['status'], unique=False)

    op.create_table('supervision_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('lead_leader', sa.String(length=50), nullable=False),
    sa.Column('lead_org_id', sa.Integer(), nullable=False),
    sa.Column('co_orgs', bot.store.base.JSONText(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('due_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('original_due_date', sa.Date(), nullable=False),
    sa.Column('cadence', sa.String(length=10), nullable=False),
    sa.Column('next_feedback_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('card', sa.String(length=10), nullable=False),
    sa.Column('escalation', sa.String(length=10), nullable=False),
    sa.Column('origin', sa.String(length=50), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signed_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', bot.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_progress', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_supervision_items_created_by_users')),
    sa.ForeignKeyConstraint(['lead_org_id'], ['org_units.id'], name=op.f('fk_supervision_items_lead_org_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_items'))
    )
    with op.batch_alter_table('supervision_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_items_lead_org_id'), ['lead_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_items_status'), ['status'], unique=False)

    op.create_table('meeting_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('due', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_decisions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['org_id'], ['org_units.id'], name=op.f('fk_meeting_decisions_org_id_org_units')),
    sa.ForeignKeyConstraint(['task_id'], ['supervision_items.id'], name=op.f('fk_meeting_decisions_task_id_supervision_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decisions'))
    )
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('supervision_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', bot.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_supervision_events_actor_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['supervision_items.id'], name=op.f('fk_supervision_events_item_id_supervision_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_events'))
    )
    with op.batch_alter_table('supervision_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_events_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supervision_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_events_item_id'))

    op.drop_table('supervision_events')
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_meeting_id'))

    op.drop_table('meeting_decisions')
    with op.batch_alter_table('supervision_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_items_status'))
        batch_op.drop_index(batch_op.f('ix_supervision_items_lead_org_id'))

    op.drop_table('supervision_items')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_proposals_lead_org_id'))

    op.drop_table('proposals')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petitions_status'))

    op.drop_table('petitions')
    op.drop_table('meetings')
