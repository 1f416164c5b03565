"""documents: 办文 — registered 收文/发文 (metadata of 非密 documents), their 传阅 order and
history (issue 16)

Revision ID: 0021
Revises: 0003
Create Date: 2026-12-07 11:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0021"
# users and org_units come from 0001, supervision_items (a 批示 turned 督办) from 0003
down_revision: str | tuple[str, ...] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AT = bot.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("urgency", sa.String(length=4), nullable=False),
        sa.Column("mode", sa.String(length=4), nullable=False),
        sa.Column("secrecy", sa.String(length=10), nullable=False),
        sa.Column("received_at", _AT, nullable=False),
        sa.Column("proposed", sa.Text(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("replied_at", _AT, nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("archived_at", _AT, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_documents_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_documents_org_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents") as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_status"), ["status"], unique=False)
    op.create_table(
        "document_readers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", _AT, nullable=True),
        sa.Column("done_at", _AT, nullable=True),
        sa.Column("action", sa.String(length=4), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["doc_id"], ["documents.id"], name=op.f("fk_document_readers_doc_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_document_readers_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["supervision_items.id"],
            name=op.f("fk_document_readers_task_id_supervision_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_readers")),
    )
    with op.batch_alter_table("document_readers") as batch_op:
        batch_op.create_index(batch_op.f("ix_document_readers_doc_id"), ["doc_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_document_readers_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "document_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("at", _AT, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_document_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["doc_id"], ["documents.id"], name=op.f("fk_document_events_doc_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_events")),
    )
    with op.batch_alter_table("document_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_document_events_doc_id"), ["doc_id"], unique=False)


def downgrade() -> None:
    op.drop_table("document_events")
    op.drop_table("document_readers")
    op.drop_table("documents")
