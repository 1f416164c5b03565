"""audit retention in calendar months (at least six), TRUNCATE refused on PostgreSQL

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 网络安全法 §21 keeps logs at least six months: counted in calendar months, never fewer than
# six whatever audit_head.keep_months (written from audit.retention_months) says.
MONTHS = "max(6, coalesce((SELECT keep_months FROM audit_head WHERE id = 1), 6))"
# SQLite's '-N months' overflows (31 Aug less six months is 3 Mar, not 28 Feb); the end of the
# target month caps it, so no row younger than N calendar months is ever deletable.
SQLITE_CUTOFF = (
    f"min(datetime('now', '-' || {MONTHS} || ' months'), "
    f"datetime('now', 'start of month', '-' || ({MONTHS} - 1) || ' months', '-1 seconds'))"
)
SQLITE_UP = (
    "DROP TRIGGER IF EXISTS audit_log_keep_180_days",
    f"""CREATE TRIGGER audit_log_keep_months BEFORE DELETE ON audit_log
       WHEN old.ts > {SQLITE_CUTOFF}
       BEGIN SELECT RAISE(ABORT, 'audit rows younger than the retention period (at least six
       months) cannot be deleted'); END""",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS audit_log_keep_months",
    """CREATE TRIGGER audit_log_keep_180_days BEFORE DELETE ON audit_log
       WHEN old.ts > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit rows younger than 180 days cannot be deleted'); END""",
)
PG_GUARD = """CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           RAISE EXCEPTION 'audit_log is append-only';
         END IF;
         IF OLD.ts > now() - make_interval(months => {months}) THEN
           RAISE EXCEPTION 'audit rows younger than the retention period ({label}) cannot be deleted';
         END IF;
         RETURN OLD;
       END $$"""
PG_UP = (
    PG_GUARD.format(months=MONTHS.replace("max(", "GREATEST("), label="at least six months"),
    # A row trigger never sees TRUNCATE, which would empty the log in one statement.
    """CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit_log cannot be truncated: rows are kept at least six months';
       END $$""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate()""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate()""",
)
PG_DOWN = (
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_no_truncate()",
    """CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           RAISE EXCEPTION 'audit_log is append-only';
         END IF;
         IF OLD.ts > now() - interval '180 days' THEN
           RAISE EXCEPTION 'audit rows younger than 180 days cannot be deleted';
         END IF;
         RETURN OLD;
       END $$""",
)


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    op.add_column(
        "audit_head", sa.Column("keep_months", sa.Integer(), nullable=False, server_default="6")
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    _run(PG_UP if postgres else SQLITE_UP)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _run(PG_DOWN if postgres else SQLITE_DOWN)
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("keep_months")
