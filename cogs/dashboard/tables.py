"""The dashboard's tables: one-time login links, sessions, and the audit log of changes."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from bot.storage.schema import BigId, community_columns, metadata
from bot.storage.types import UtcDateTime

links = Table(
    "dashboard_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex: the token is never kept
    *community_columns(),
    Column("member", String(64), nullable=False),
    Column("member_name", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
)
"""A link sent privately by /dashboard: single use, bound to the member and community."""

sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("csrf", String(64), nullable=False),
    *community_columns(),
    Column("member", String(64), nullable=False),
    Column("member_name", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_dashboard_sessions_member", "platform", "member"),
)

audit = Table(
    "dashboard_audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("member", String(64), nullable=False),
    Column("member_name", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(64)),
    Column("detail", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_dashboard_audit_community", "platform", "community", "at"),
)
"""Every change made through the dashboard: who, what, on what, when."""
