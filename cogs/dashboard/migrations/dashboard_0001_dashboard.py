"""The dashboard: one-time login links, sessions and the audit log of changes.

Revision ID: dashboard_0001
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.schema import BigId, community_columns
from bot.storage.types import UtcDateTime

revision = "dashboard_0001"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        *community_columns(),
        sa.Column("member", sa.String(64), nullable=False),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        *community_columns(),
        sa.Column("member", sa.String(64), nullable=False),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_dashboard_sessions_member", "dashboard_sessions", ["platform", "member"])
    op.create_table(
        "dashboard_audit",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        *community_columns(),
        sa.Column("member", sa.String(64), nullable=False),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(64)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_dashboard_audit_community", "dashboard_audit", ["platform", "community", "at"]
    )


def downgrade() -> None:
    op.drop_table("dashboard_audit")
    op.drop_table("dashboard_sessions")
    op.drop_table("dashboard_links")
