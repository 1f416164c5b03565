"""vehicles: 公车调派 — the fleet, its drivers and the bookings (issue 16)

Revision ID: 0023
Revises: 0001
Create Date: 2026-12-07 11:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.base  # noqa: F401  (custom column types used below)

revision: str = "0023"
# users and org_units were created in 0001; every table here is new
down_revision: str | tuple[str, ...] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=12), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("plate", name=op.f("uq_vehicles_plate")),
    )
    op.create_table(
        "vehicle_drivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_vehicle_drivers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_drivers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_vehicle_drivers_user_id")),
    )
    op.create_table(
        "vehicle_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("start_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("destination", sa.String(length=100), nullable=False),
        sa.Column("passengers", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("driver_id", sa.Integer(), nullable=True),
        sa.Column("dispatcher_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("returned_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("km", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_vehicle_bookings_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name=op.f("fk_vehicle_bookings_requester_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_vehicle_bookings_vehicle_id_vehicles")
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"],
            ["vehicle_drivers.id"],
            name=op.f("fk_vehicle_bookings_driver_id_vehicle_drivers"),
        ),
        sa.ForeignKeyConstraint(
            ["dispatcher_id"], ["users.id"], name=op.f("fk_vehicle_bookings_dispatcher_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_bookings")),
    )
    op.create_index(
        op.f("ix_vehicle_bookings_start_at"), "vehicle_bookings", ["start_at"], unique=False
    )
    op.create_index(
        op.f("ix_vehicle_bookings_status"), "vehicle_bookings", ["status"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_vehicle_bookings_status"), table_name="vehicle_bookings")
    op.drop_index(op.f("ix_vehicle_bookings_start_at"), table_name="vehicle_bookings")
    op.drop_table("vehicle_bookings")
    op.drop_table("vehicle_drivers")
    op.drop_table("vehicles")
