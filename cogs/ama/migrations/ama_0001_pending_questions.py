"""Questions held while their author says whether they are the same as an earlier one.

Revision ID: ama_0001
Revises: faq_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.schema import BigId
from bot.storage.types import UtcDateTime

revision = "ama_0001"
down_revision = "faq_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ama_pending",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "session_id",
            BigId,
            sa.ForeignKey("ama_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column(
            "twin_id",
            BigId,
            sa.ForeignKey("ama_questions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ama_pending")
