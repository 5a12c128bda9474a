"""Daily roll-up of who posted and who engaged, kept by the event log for the metrics.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_days",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("actor_class", sa.String(12), nullable=False),
        sa.Column("posted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("engaged", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_member_days_member", "member_days", ["platform", "community", "member", "day"]
    )


def downgrade() -> None:
    op.drop_index("ix_member_days_member", "member_days")
    op.drop_table("member_days")
