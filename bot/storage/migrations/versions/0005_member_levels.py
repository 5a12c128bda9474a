"""Earned levels (newcomer, activist, expert) per member and community.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_levels",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("since", UtcDateTime, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("set_by", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("member_levels")
