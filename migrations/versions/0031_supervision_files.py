"""supervision_files: photos and documents sent with a 督办 进展, kept with the item (issue 16)

Revision ID: 0031
Revises: 0003
Create Date: 2026-12-07 12:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0031"
# supervision_items and supervision_events were created in 0003 (users in 0001); the table is new
down_revision: str | tuple[str, ...] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supervision_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=False),
        sa.Column("at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["supervision_items.id"],
            name=op.f("fk_supervision_files_item_id_supervision_items"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["supervision_events.id"],
            name=op.f("fk_supervision_files_event_id_supervision_events"),
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_supervision_files_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_files")),
    )
    op.create_index(
        op.f("ix_supervision_files_item_id"), "supervision_files", ["item_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_supervision_files_item_id"), table_name="supervision_files")
    op.drop_table("supervision_files")
