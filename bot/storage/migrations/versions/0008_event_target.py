"""The other member an event concerns (replied to, reacted to), as a column metrics can group by.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("target", sa.String(64)))
    op.create_index("ix_events_community_kind_time", "events",
                    ["platform", "community", "kind", "occurred_at"])  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_events_community_kind_time", "events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("target")
