"""Buttons bound to the message they were sent with: a press is only handled when the
message it came from, in that chat, carries exactly that button.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "button_bindings",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("chat", sa.String(64), primary_key=True),
        sa.Column("message", sa.String(64), primary_key=True),
        sa.Column("data", sa.String(100), primary_key=True),
        sa.Column("thread", sa.String(64)),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_button_bindings_created", "button_bindings", ["created_at"])


def downgrade() -> None:
    op.drop_table("button_bindings")
