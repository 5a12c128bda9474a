"""Onboarding: members waiting at the rules gate, and who accepted when.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "onboarding",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("member_name", sa.String(100), nullable=False),
        sa.Column("joined_at", UtcDateTime, nullable=False),
        sa.Column("welcome_channel", sa.String(64)),
        sa.Column("welcome_message", sa.String(64)),
        sa.Column("accepted_at", UtcDateTime),
        sa.Column("removed_at", UtcDateTime),
    )


def downgrade() -> None:
    op.drop_table("onboarding")
