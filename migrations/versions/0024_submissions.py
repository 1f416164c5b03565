"""submissions: 信息报送 and 值班表报备 tasks, the units each asks and every submission kept
(issue 16)

Revision ID: 0024
Revises: 0001
Create Date: 2026-12-07 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0024"
# users and org_units were created in 0001; the three tables are new
down_revision: str | tuple[str, ...] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = bot.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "submission_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("ask", sa.Text(), nullable=False),
        sa.Column("due_day", sa.Date(), nullable=False),
        sa.Column("due_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("holiday_first", sa.Date(), nullable=True),
        sa.Column("holiday_last", sa.Date(), nullable=True),
        sa.Column("key", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_submission_tasks_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_tasks")),
        sa.UniqueConstraint("key", name=op.f("uq_submission_tasks_key")),
    )
    op.create_table(
        "submission_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("org_name", sa.String(length=100), nullable=False),
        sa.Column("first_at", _WHEN, nullable=True),
        sa.Column("last_at", _WHEN, nullable=True),
        sa.Column("chased", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_submission_units_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["submission_tasks.id"],
            name=op.f("fk_submission_units_task_id_submission_tasks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_units")),
        sa.UniqueConstraint(
            "task_id", "org_id", name=op.f("uq_submission_units_task_id_org_id")
        ),
    )
    op.create_index(op.f("ix_submission_units_task_id"), "submission_units", ["task_id"])
    op.create_table(
        "submission_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rows", bot.store.base.JSONText(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_submission_entries_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["submission_tasks.id"],
            name=op.f("fk_submission_entries_task_id_submission_tasks"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_submission_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_entries")),
    )
    op.create_index(op.f("ix_submission_entries_task_id"), "submission_entries", ["task_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_submission_entries_task_id"), table_name="submission_entries")
    op.drop_table("submission_entries")
    op.drop_index(op.f("ix_submission_units_task_id"), table_name="submission_units")
    op.drop_table("submission_units")
    op.drop_table("submission_tasks")
