"""值班信息/要情快报, 督查 documents with a 文号, and the per-(series, year) document numbers they
share; the 值班日报 due item for every roster slot still to end (issue 16)

Revision ID: 0025
Revises: 0002, 0003, 0018
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0025"
# duty_logs, duty_incidents and duty_slots were created in 0002, supervision_items in 0003;
# the due items it plans carry 0018's resumed flag
down_revision: str | tuple[str, ...] | None = ("0002", "0003", "0018")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_numbers",
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_document_numbers")),
    )
    op.create_table(
        "supervision_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issued_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_supervision_documents_issued_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["supervision_items.id"],
            name=op.f("fk_supervision_documents_item_id_supervision_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_documents")),
        sa.UniqueConstraint("ref", name=op.f("uq_supervision_documents_ref")),
        sa.UniqueConstraint(
            "series", "year", "seq", name=op.f("uq_supervision_documents_series_year_seq")
        ),
    )
    op.create_index(op.f("ix_supervision_documents_item_id"), "supervision_documents", ["item_id"])
    op.create_table(
        "duty_bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("masthead", sa.String(length=10), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("occurred", sa.String(length=50), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("casualties", sa.String(length=200), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("drafter_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("review_secret", sa.String(length=32), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("issued_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["drafter_id"], ["users.id"], name=op.f("fk_duty_bulletins_drafter_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["duty_incidents.id"],
            name=op.f("fk_duty_bulletins_incident_id_duty_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["log_id"], ["duty_logs.id"], name=op.f("fk_duty_bulletins_log_id_duty_logs")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_duty_bulletins_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_bulletins")),
        sa.UniqueConstraint(
            "masthead", "year", "number", name=op.f("uq_duty_bulletins_masthead_year_number")
        ),
    )
    op.create_index(op.f("ix_duty_bulletins_status"), "duty_bulletins", ["status"])
    # Slots planned before this revision have no 值班日报 item; give each one still to end the
    # item models/duty/due.py now plans (same key, so a later re-plan moves it).
    op.execute(
        sa.text(
            "INSERT INTO due_items (kind, due_at, payload, key, status, attempts, created_at,"
            " late, resumed) SELECT 'duty-daily', end_at, :head || id || :tail,"
            " :prefix || id || :suffix, 'pending', 0, end_at, false, false"
            " FROM duty_slots WHERE end_at > CURRENT_TIMESTAMP"
        ).bindparams(
            head='{"slot_id": ',
            tail=', "step": "daily"}',
            prefix="duty:",
            suffix=":duty-daily:daily",
        )
    )


def downgrade() -> None:
    op.execute("DELETE FROM due_items WHERE kind = 'duty-daily' AND status = 'pending'")
    op.drop_index(op.f("ix_duty_bulletins_status"), table_name="duty_bulletins")
    op.drop_table("duty_bulletins")
    op.drop_index(op.f("ix_supervision_documents_item_id"), table_name="supervision_documents")
    op.drop_table("supervision_documents")
    op.drop_table("document_numbers")
