"""Single-use buttons: the first press under a message claims it (a moderator's decision on an
alert, a hero confirmation), so a second moderator cannot repeat the action.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "button_uses",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("message", sa.String(64), primary_key=True),
        sa.Column("use_group", sa.String(64), primary_key=True),
        sa.Column("pressed_by", sa.String(64), nullable=False),
        sa.Column("pressed_by_name", sa.String(100), nullable=False),
        sa.Column("pressed_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("button_uses")
