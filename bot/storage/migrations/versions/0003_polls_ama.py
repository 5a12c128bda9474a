"""Polls (button, native and reaction polls, quizzes) with mirrored votes; AMA sessions,
questions and upvotes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(64)),
        sa.Column("message", sa.String(64)),
        sa.Column("native_id", sa.String(100)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("multiple", sa.Boolean, nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("correct", sa.Integer),
        sa.Column("explanation", sa.Text),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("closes_at", UtcDateTime, nullable=False),
        sa.Column("closed_at", UtcDateTime),
        sa.Column("results_message", sa.String(64)),
    )
    op.create_index("ix_polls_native", "polls", ["platform", "native_id"])
    op.create_index("ix_polls_message", "polls", ["platform", "community", "message"])
    op.create_table(
        "poll_votes",
        sa.Column(
            "poll_id", BigId, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("option", sa.Integer, primary_key=True),
        sa.Column("voted_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "ama_sessions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("host", sa.String(64), nullable=False),
        sa.Column("host_name", sa.String(100), nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        sa.Column("collect_until", UtcDateTime, nullable=False),
        sa.Column("takes_place_at", UtcDateTime),
        sa.Column("closed_at", UtcDateTime),
    )
    op.create_index("ix_ama_open", "ama_sessions", ["platform", "community", "closed_at"])
    op.create_table(
        "ama_questions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "session_id",
            BigId,
            sa.ForeignKey("ama_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("message", sa.String(64)),
        sa.Column("answered_at", UtcDateTime),
        sa.Column("answer_link", sa.Text),
        sa.Column("removed_at", UtcDateTime),
        sa.Column("removed_reason", sa.Text),
        sa.UniqueConstraint("session_id", "number", name="uq_ama_question_number"),
    )
    op.create_table(
        "ama_votes",
        sa.Column(
            "question_id",
            BigId,
            sa.ForeignKey("ama_questions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("voted_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ama_votes")
    op.drop_table("ama_questions")
    op.drop_index("ix_ama_open", "ama_sessions")
    op.drop_table("ama_sessions")
    op.drop_table("poll_votes")
    op.drop_index("ix_polls_message", "polls")
    op.drop_index("ix_polls_native", "polls")
    op.drop_table("polls")
