"""12345 tickets, their history, and the hand-written keyword index (FTS5 / tsvector GIN).

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-26 06:39:04.605513
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)


revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("caller_name", sa.String(length=50), nullable=False),
        sa.Column("caller_phone", sa.String(length=30), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.Column("received_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("extended_due_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("replied_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lead_org_id", sa.Integer(), nullable=True),
        sa.Column("co_orgs", bot.store.base.JSONText(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("visit_result", sa.String(length=10), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=True),
        sa.Column("typical", sa.Boolean(), nullable=False),
        sa.Column("merged_into", sa.String(length=40), nullable=False),
        sa.Column("overdue_count", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=50), nullable=False),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_org_id"], ["org_units.id"], name=op.f("fk_tickets_lead_org_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_lead_org_id"), ["lead_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_status"), ["status"], unique=False)

    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_ticket_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_events_ticket_id"), ["ticket_id"], unique=False
        )

    # Hand-written (autogenerate cannot): the keyword index over tickets.tokens, per dialect.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_tickets_search ON tickets USING gin (to_tsvector('simple', tokens))"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE ticket_fts USING fts5("
            "tokens, content='tickets', content_rowid='id', tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER ticket_fts_insert AFTER INSERT ON tickets BEGIN "
            "INSERT INTO ticket_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
        )
        op.execute(
            "CREATE TRIGGER ticket_fts_delete AFTER DELETE ON tickets BEGIN "
            "INSERT INTO ticket_fts(ticket_fts, rowid, tokens) "
            "VALUES ('delete', old.id, old.tokens); END"
        )
        op.execute(
            "CREATE TRIGGER ticket_fts_update AFTER UPDATE OF tokens ON tickets BEGIN "
            "INSERT INTO ticket_fts(ticket_fts, rowid, tokens) "
            "VALUES ('delete', old.id, old.tokens); "
            "INSERT INTO ticket_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_tickets_search")
    else:
        for trigger in ("ticket_fts_insert", "ticket_fts_delete", "ticket_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS ticket_fts")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_events_ticket_id"))

    op.drop_table("ticket_events")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_status"))
        batch_op.drop_index(batch_op.f("ix_tickets_lead_org_id"))

    op.drop_table("tickets")
