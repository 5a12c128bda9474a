"""Support cases, their SLA clocks, transcripts and event logs.

Revision ID: desk_0001
Revises: faq_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.schema import BigId
from bot.storage.types import UtcDateTime

revision = "desk_0001"
down_revision = "faq_0002"
branch_labels = None
depends_on = None


def _case_fk() -> sa.Column[int]:
    return sa.Column(
        "case_id", BigId, sa.ForeignKey("desk_cases.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "desk_cases",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("requester_name", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(64)),
        sa.Column("card_channel", sa.String(64)),
        sa.Column("card_message", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("policy", sa.String(40)),
        sa.Column("assignee", sa.String(64)),
        sa.Column("assignee_name", sa.Text),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        sa.Column("first_response_at", UtcDateTime),
        sa.Column("first_any_response_at", UtcDateTime),
        sa.Column("last_member_at", UtcDateTime),
        sa.Column("closed_at", UtcDateTime),
        sa.Column("close_reason", sa.Text),
        sa.Column("escalation_step", sa.Integer, nullable=False),
        sa.Column("escalations", sa.Integer, nullable=False),
        sa.Column("reopens", sa.Integer, nullable=False),
        sa.Column("satisfaction", sa.Integer),
        sa.Column("merged_into", BigId),
    )
    op.create_index("ix_desk_cases_open", "desk_cases", ["platform", "community", "status"])
    op.create_index("ix_desk_cases_requester", "desk_cases", ["platform", "requester"])
    op.create_table(
        "desk_clocks",
        sa.Column(
            "case_id",
            BigId,
            sa.ForeignKey("desk_cases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("round", sa.Integer, primary_key=True),
        sa.Column("target_seconds", sa.Integer, nullable=False),
        sa.Column("business", sa.Boolean, nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("running_since", UtcDateTime),
        sa.Column("accrued_seconds", sa.Integer, nullable=False),
        sa.Column("stopped_at", UtcDateTime),
        sa.Column("breached_at", UtcDateTime),
        sa.Column("warned_at", UtcDateTime),
    )
    op.create_table(
        "desk_messages",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        _case_fk(),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("author", sa.String(64)),
        sa.Column("author_name", sa.Text),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("channel", sa.String(64)),
        sa.Column("message", sa.String(64)),
    )
    op.create_index("ix_desk_messages_case", "desk_messages", ["case_id"])
    op.create_index("ix_desk_messages_message", "desk_messages", ["channel", "message"])
    op.create_table(
        "desk_events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        _case_fk(),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(64)),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_desk_events_case", "desk_events", ["case_id"])


def downgrade() -> None:
    op.drop_table("desk_events")
    op.drop_table("desk_messages")
    op.drop_table("desk_clocks")
    op.drop_table("desk_cases")
