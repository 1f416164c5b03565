"""meeting notices: a meeting's time, place, topics and materials deadline, its invitations
and their 回执 (参加 / 请假, 代参人), and the organiser's live summary (issue 16)

Revision ID: 0022
Revises: 0003
Create Date: 2026-12-07 11:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0022"
# meetings was created in 0003; meeting_invitations is new
down_revision: str | tuple[str, ...] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = bot.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.add_column(sa.Column("starts_at", _WHEN, nullable=True))
        batch_op.add_column(
            sa.Column("place", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("topics", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("materials_due", _WHEN, nullable=True))
        batch_op.add_column(
            sa.Column(
                "status", sa.String(length=12), server_default="registered", nullable=False
            )
        )
        batch_op.add_column(sa.Column("notified_at", _WHEN, nullable=True))
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("summary_target", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("summary_seq", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "meeting_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("via", sa.String(length=100), nullable=False),
        sa.Column("substitute_for", sa.Integer(), nullable=True),
        sa.Column("owes_materials", sa.Boolean(), nullable=False),
        sa.Column("materials_at", _WHEN, nullable=True),
        sa.Column("notified_at", _WHEN, nullable=True),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("answered_at", _WHEN, nullable=True),
        sa.Column("withdrawn_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_invitations_meeting_id_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_meeting_invitations_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["substitute_for"],
            ["meeting_invitations.id"],
            name=op.f("fk_meeting_invitations_substitute_for_meeting_invitations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_invitations")),
        sa.UniqueConstraint("code", name=op.f("uq_meeting_invitations_code")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", name=op.f("uq_meeting_invitations_meeting_id_user_id")
        ),
    )
    with op.batch_alter_table("meeting_invitations") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_invitations_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_invitations") as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_invitations_meeting_id"))
    op.drop_table("meeting_invitations")
    with op.batch_alter_table("meetings") as batch_op:
        for column in (
            "summary_seq",
            "summary_target",
            "revision",
            "notified_at",
            "status",
            "materials_due",
            "topics",
            "place",
            "starts_at",
        ):
            batch_op.drop_column(column)
