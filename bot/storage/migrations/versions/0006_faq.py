"""FAQ answers (auto, suggested, searched, quick replies) and the votes on them.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(64)),
        sa.Column("question_message", sa.String(64)),
        sa.Column("asker", sa.String(64)),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("entry_id", sa.String(40)),
        sa.Column("confidence", sa.Float, nullable=False, server_default="0"),
        sa.Column("candidates", sa.String(200), nullable=False, server_default=""),
        sa.Column("answer_message", sa.String(64)),
        sa.Column("answered_by", sa.String(64)),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("outcome", sa.String(64)),
        sa.Column("helped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("not_helped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("helpers_told_at", UtcDateTime),
    )
    op.create_index(
        "ix_faq_answers_channel_entry",
        "faq_answers",
        ["platform", "community", "channel", "entry_id", "created_at"],
    )
    op.create_index(
        "ix_faq_answers_question", "faq_answers", ["platform", "community", "question_message"]
    )
    op.create_table(
        "faq_votes",
        sa.Column(
            "answer_id",
            sa.Integer,
            sa.ForeignKey("faq_answers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("helped", sa.Boolean, nullable=False),
        sa.Column("voted_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("faq_votes")
    op.drop_index("ix_faq_answers_question", "faq_answers")
    op.drop_index("ix_faq_answers_channel_entry", "faq_answers")
    op.drop_table("faq_answers")
