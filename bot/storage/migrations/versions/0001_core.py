"""Core tables: meta, event log, job claims, durable deadlines.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64)),
        sa.Column("thread", sa.String(64)),
        sa.Column("member", sa.String(64)),
        sa.Column("message", sa.String(64)),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("data", sa.JSON),
    )
    op.create_index("ix_events_community_time", "events", ["platform", "community", "occurred_at"])
    op.create_index("ix_events_member_time", "events", ["platform", "member", "occurred_at"])
    op.create_index("ix_events_kind_time", "events", ["kind", "occurred_at"])
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(100), primary_key=True),
        sa.Column("slot", sa.String(100), primary_key=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
        sa.Column("done_at", UtcDateTime),
    )
    op.create_table(
        "deadlines",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("payload", sa.JSON),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("claimed_until", UtcDateTime),
        sa.Column("done_at", UtcDateTime),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("kind", "key", name="uq_deadlines_kind_key"),
    )
    op.create_index("ix_deadlines_due", "deadlines", ["done_at", "due_at"])


def downgrade() -> None:
    op.drop_table("deadlines")
    op.drop_table("job_runs")
    op.drop_table("events")
    op.drop_table("meta")
