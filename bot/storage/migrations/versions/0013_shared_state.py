"""State that several bot processes share: small per-key states changed in turn (per-member
message counters, join bursts), the platform updates already taken (Telegram resends), and
the platform a deadline needs (a process only claims work for platforms it is connected to).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_state",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("touched_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_shared_state_touched", "shared_state", ["touched_at"])
    op.create_table(
        "received_updates",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("update_id", sa.BigInteger, primary_key=True),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
    )
    op.create_index("ix_received_updates_claimed", "received_updates", ["claimed_at"])
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("platform", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("platform")
    op.drop_table("received_updates")
    op.drop_table("shared_state")
