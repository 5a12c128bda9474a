"""Tables of the core (event log, scheduler claims, durable deadlines, meta).

Features define their own tables in their own modules and migrations. Platform ids are
text (a Discord snowflake or a negative Telegram chat id both fit); times are UTC.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.elements import ColumnElement

from bot.core.ids import CommunityRef, Platform
from bot.storage.types import UtcDateTime

metadata = MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY (scale-out.md §3.2 pitfall 5).
BigId = BigInteger().with_variant(Integer, "sqlite")


MAX_NAME = 256
"""Display names are kept up to this length (Telegram: 64 + 64; the columns are unbounded)."""


def community_columns(*, primary_key: bool = False) -> list[Column[str]]:
    """The ``platform`` and ``community`` columns every per-community table starts with."""
    return [
        Column("platform", String(20), primary_key=primary_key, nullable=False),
        Column("community", String(64), primary_key=primary_key, nullable=False),
    ]


meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("platform", String(20), nullable=False),
    Column("community", String(64), nullable=False),
    Column("channel", String(64)),
    Column("thread", String(64)),
    Column("member", String(64)),
    Column("message", String(64)),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("text", Text),
    Column("data", JSON),
    Column("actor_class", String(12)),  # bot, member, helper, moderator, admin (at the time)
    Column("target", String(64)),  # the member replied or reacted to
    Index("ix_events_community_time", "platform", "community", "occurred_at"),
    Index("ix_events_member_time", "platform", "member", "occurred_at"),
    Index("ix_events_kind_time", "kind", "occurred_at"),
    Index("ix_events_community_kind_time", "platform", "community", "kind", "occurred_at"),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("job", String(100), primary_key=True),
    Column("slot", String(100), primary_key=True),
    Column("claimed_by", String(100), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("done_at", UtcDateTime),
)

deadlines = Table(
    "deadlines",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(60), nullable=False),
    Column("key", String(200), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("payload", JSON),
    Column("claimed_by", String(100)),
    Column("claimed_until", UtcDateTime),
    Column("done_at", UtcDateTime),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("platform", String(20)),  # the platform its community is on (None: any process)
    UniqueConstraint("kind", "key", name="uq_deadlines_kind_key"),
    Index("ix_deadlines_due", "done_at", "due_at"),
)

button_uses = Table(
    "button_uses",
    metadata,
    *community_columns(primary_key=True),
    Column("message", String(64), primary_key=True),
    Column("use_group", String(64), primary_key=True),
    Column("pressed_by", String(64), nullable=False),
    Column("pressed_by_name", Text, nullable=False),
    Column("pressed_at", UtcDateTime, nullable=False),
)
"""Single-use buttons: who pressed first under a message (the core claims it before the
handler runs)."""

button_bindings = Table(
    "button_bindings",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("chat", String(64), primary_key=True),
    Column("message", String(64), primary_key=True),
    Column("data", String(100), primary_key=True),
    Column("thread", String(64)),
    Column("community", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_button_bindings_created", "created_at"),
)
"""Every action button the bot sent, bound to its message and community (checked on press)."""

members = Table(
    "members",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("community", String(64), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("actor_class", String(12), nullable=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("joined_at", UtcDateTime),
    Column("left_at", UtcDateTime),
)
"""The member directory the event log keeps: latest name and class, first seen, join, leave."""

member_days = Table(
    "member_days",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("community", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),  # UTC calendar day, YYYY-MM-DD
    Column("member", String(64), primary_key=True),
    Column("actor_class", String(12), nullable=False),
    Column("posted", Integer, nullable=False, server_default="0"),
    Column("engaged", Integer, nullable=False, server_default="0"),
    Index("ix_member_days_member", "platform", "community", "member", "day"),
)
"""Who posted and who engaged, per UTC day: the active share and retention read this."""

shared_state = Table(
    "shared_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("state", Text, nullable=False),  # JSON
    Column("version", BigInteger, nullable=False, server_default="0"),
    Column("touched_at", UtcDateTime, nullable=False),
    Index("ix_shared_state_touched", "touched_at"),
)
"""Small states several processes change in turn (see :mod:`bot.storage.shared_state`)."""

received_updates = Table(
    "received_updates",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("source", String(64), primary_key=True),  # the bot account the update came to
    Column("update_id", BigInteger, primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("done", Boolean, nullable=False),
    Index("ix_received_updates_claimed", "claimed_at"),
)
"""Platform updates a process has taken, so a resend reaching another process is not handled
twice (see :mod:`bot.storage.update_ledger`)."""


def all_tables() -> MetaData:
    """The one MetaData with the core's tables and every shipped feature's (imported here,
    since features declare their tables in their own modules)."""
    from bot.features import catalog

    catalog()
    return metadata


def community_of(row: Any) -> CommunityRef:
    """The community of a row with ``platform`` and ``community`` columns."""
    return CommunityRef(Platform(row["platform"]), row["community"])


def of_community(table: Table, community: CommunityRef) -> list[ColumnElement[bool]]:
    """The conditions that select one community's rows of a table with platform/community."""
    return [table.c.platform == community.platform.value, table.c.community == community.id]
