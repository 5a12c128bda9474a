"""Ideas with votes, followers, status history, batched notices, loop posts and NPS answers.

Revision ID: ideas_0001
Revises: desk_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.schema import BigId
from bot.storage.types import UtcDateTime

revision = "ideas_0001"
down_revision = "desk_0002"
branch_labels = None
depends_on = None


def _idea_fk(primary: bool = False) -> sa.Column[int]:
    return sa.Column(
        "idea_id", BigId, sa.ForeignKey("ideas.id", ondelete="CASCADE"),
        primary_key=primary, nullable=False,
    )  # fmt: skip


def _community() -> list[sa.Column[str]]:
    return [
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "ideas",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        *_community(),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(64)),
        sa.Column("thread", sa.String(64)),
        sa.Column("message", sa.String(64)),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("actionable_at", UtcDateTime),
        sa.Column("decided_at", UtcDateTime),
        sa.Column("done_at", UtcDateTime),
        sa.Column("impact", sa.Integer),
        sa.Column("cost", sa.Integer),
        sa.Column("merged_into", BigId),
        sa.Column("looped_at", UtcDateTime),
    )
    op.create_index("ix_ideas_board", "ideas", ["platform", "community", "status"])
    op.create_table(
        "idea_votes",
        _idea_fk(primary=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "idea_followers",
        _idea_fk(primary=True),
        sa.Column("member", sa.String(64), primary_key=True),
    )
    op.create_table(
        "idea_history",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        _idea_fk(),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("before", sa.String(16)),
        sa.Column("after", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64)),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_idea_history_idea", "idea_history", ["idea_id"])
    op.create_table(
        "idea_notices",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        *_community(),
        sa.Column("member", sa.String(64), nullable=False),
        _idea_fk(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime),
        sa.Column("outcome", sa.String(12)),
    )
    op.create_index("ix_idea_notices_member", "idea_notices", ["platform", "member", "sent_at"])
    op.create_table(
        "idea_quiet",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("what", sa.String(12), primary_key=True),
    )
    op.create_table(
        "idea_loops",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        *_community(),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("ideas", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("drafted_at", UtcDateTime, nullable=False),
        sa.Column("posted_at", UtcDateTime),
        sa.Column("message", sa.String(64)),
    )
    op.create_table(
        "nps_answers",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("period", sa.String(16), primary_key=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("asked_at", UtcDateTime, nullable=False),
        sa.Column("score", sa.Integer),
        sa.Column("answered_at", UtcDateTime),
        sa.Column("comment", sa.Text),
    )


def downgrade() -> None:
    for table in ("nps_answers", "idea_loops", "idea_quiet", "idea_notices", "idea_history",
                  "idea_followers", "idea_votes", "ideas"):  # fmt: skip
        op.drop_table(table)
