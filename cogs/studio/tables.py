"""The studio's tables: drafts and published posts, and members' feedback on posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from bot.core.ids import CommunityRef, Platform
from bot.storage.schema import BigId, community_columns, metadata
from bot.storage.types import UtcDateTime

posts = Table(
    "studio_posts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("author", String(64), nullable=False),
    Column("author_name", Text, nullable=False),
    Column("template", String(40)),
    Column("column_name", String(32)),
    Column("fields", Text, nullable=False, default="{}"),
    Column("body", Text),
    Column("heavy", Boolean, nullable=False, default=False),
    Column("channels", Text, nullable=False),
    Column("status", String(12), nullable=False),
    Column("approved_by", String(64)),
    Column("publish_at", UtcDateTime),
    Column("published_at", UtcDateTime),
    Column("messages", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    Column("prompt_message", String(64)),
    Column("prompt_field", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_studio_posts_status", "platform", "community", "status"),
)

feedback = Table(
    "studio_feedback",
    metadata,
    Column("post_id", BigId, ForeignKey("studio_posts.id", ondelete="CASCADE"), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("useful", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True)
class StoredPost:
    id: int
    platform: str
    community: str
    author: str
    author_name: str
    template: str | None
    column_name: str | None
    fields: str
    body: str | None
    heavy: bool
    channels: str
    status: str
    approved_by: str | None
    publish_at: datetime | None
    published_at: datetime | None
    messages: str
    version: int
    created_at: datetime
    prompt_message: str | None = None
    prompt_field: str | None = None

    @property
    def ref(self) -> CommunityRef:
        return CommunityRef(Platform(self.platform), self.community)

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]

    def belongs_to(self, community: CommunityRef) -> bool:
        return self.platform == community.platform.value and self.community == community.id
