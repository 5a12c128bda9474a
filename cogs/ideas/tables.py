"""The ideas' tables, and the rows read from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from bot.core.ids import CommunityRef, MemberRef, Platform
from bot.storage.schema import BigId, community_columns, metadata
from bot.storage.types import UtcDateTime

STATUSES = ("new", "under_review", "planned", "in_progress", "done", "declined", "duplicate")
OPEN = ("new", "under_review", "planned", "in_progress")
"""Statuses whose votes count against a vote budget."""
ACTIONABLE = ("under_review", "planned", "in_progress", "done")
"""Leaving "new" for one of these makes an idea actionable (triage accepted it)."""
DRAFT = "draft"
"""An idea waiting for its author's answer to "is it one of these?": shown nowhere."""

ideas = Table(
    "ideas",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("author", String(64), nullable=False),
    Column("author_name", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("details", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("origin", String(16), nullable=False),
    Column("channel", String(64)),
    Column("thread", String(64)),
    Column("message", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("actionable_at", UtcDateTime),
    Column("decided_at", UtcDateTime),
    Column("done_at", UtcDateTime),
    Column("impact", Integer),
    Column("cost", Integer),
    Column("merged_into", BigId),
    Column("looped_at", UtcDateTime),
    Index("ix_ideas_board", "platform", "community", "status"),
)

votes = Table(
    "idea_votes",
    metadata,
    Column("idea_id", BigId, ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
)

followers = Table(
    "idea_followers",
    metadata,
    Column("idea_id", BigId, ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    Column("member", String(64), primary_key=True),
)

history = Table(
    "idea_history",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("idea_id", BigId, ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("before", String(16)),
    Column("after", String(16), nullable=False),
    Column("actor", String(64)),
    Column("reason", Text, nullable=False, default=""),
    Index("ix_idea_history_idea", "idea_id"),
)

notices = Table(
    "idea_notices",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("member", String(64), nullable=False),
    Column("idea_id", BigId, ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("outcome", String(12)),
    Index("ix_idea_notices_member", "platform", "member", "sent_at"),
)

quiet = Table(
    "idea_quiet",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("what", String(12), primary_key=True),
)
"""Members who turned off idea notices ("notices") or the survey ("survey")."""

loops = Table(
    "idea_loops",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("kind", String(12), nullable=False),
    Column("period", String(16), nullable=False),
    Column("ideas", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(12), nullable=False),
    Column("drafted_at", UtcDateTime, nullable=False),
    Column("posted_at", UtcDateTime),
    Column("message", String(64)),
)
"""'You asked — we did' drafts and posts, and monthly roundups."""

surveys = Table(
    "nps_answers",
    metadata,
    *community_columns(primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("asked_at", UtcDateTime, nullable=False),
    Column("score", Integer),
    Column("answered_at", UtcDateTime),
    Column("comment", Text),
)


@dataclass(frozen=True, slots=True)
class Idea:
    id: int
    platform: str
    community: str
    author: str
    author_name: str
    title: str
    details: str
    status: str
    reason: str | None
    origin: str
    channel: str | None
    thread: str | None
    message: str | None
    created_at: datetime
    actionable_at: datetime | None
    decided_at: datetime | None
    done_at: datetime | None
    impact: int | None
    cost: int | None
    merged_into: int | None
    looped_at: datetime | None

    @property
    def ref(self) -> CommunityRef:
        return CommunityRef(Platform(self.platform), self.community)

    @property
    def author_ref(self) -> MemberRef:
        return MemberRef(Platform(self.platform), self.author)

    def belongs_to(self, community: CommunityRef) -> bool:
        return self.platform == community.platform.value and self.community == community.id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN
