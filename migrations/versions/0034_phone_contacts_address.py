"""phone_contacts.address: duty ladders text or call a unit's 值班电话 as well as people, so a
contact is counted by its outbox address (``u<user id>`` or ``o<unit id>``) and user_id may be
empty (issue 18)

Revision ID: 0034
Revises: 0032
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
# phone_contacts was created in 0032
down_revision: str | tuple[str, ...] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("phone_contacts", sa.Column("address", sa.String(length=40), nullable=True))
    # Every contact so far was a person's (the broadcast ladder's): its address is u<user id>.
    op.execute("UPDATE phone_contacts SET address = 'u' || CAST(user_id AS VARCHAR(20))")
    with op.batch_alter_table("phone_contacts") as batch_op:
        batch_op.alter_column("address", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
    op.create_index(
        "ix_phone_contacts_address_created_at", "phone_contacts", ["address", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_phone_contacts_address_created_at", table_name="phone_contacts")
    op.execute("DELETE FROM phone_contacts WHERE user_id IS NULL")
    with op.batch_alter_table("phone_contacts") as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("address")
