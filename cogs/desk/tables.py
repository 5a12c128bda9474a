"""The desk's tables, and the rows it reads from them (a case, an SLA clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from bot.core.ids import ChannelRef, CommunityRef, MemberRef, Platform
from bot.storage.schema import BigId, community_columns, metadata
from bot.storage.types import UtcDateTime

OPEN_STATUSES = ("waiting_staff", "waiting_member")
RELAY = "relay"
"""A transcript row that only maps a message in a shared staff chat to its case (no text)."""
MERGED = "merged"
"""A duplicate folded into another case of the same member (``merged_into``)."""
DEFLECTED = "deflected"
"""A help-channel question the FAQ answered: not a case for staff, not in the desk's KPIs."""

cases = Table(
    "desk_cases",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("requester", String(64), nullable=False),
    Column("requester_name", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("tags", Text, nullable=False, default=""),
    Column("origin", String(16), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("thread", String(64)),
    Column("card_channel", String(64)),
    Column("card_message", String(64)),
    Column("status", String(16), nullable=False),
    Column("policy", String(40)),
    Column("assignee", String(64)),
    Column("assignee_name", Text),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("first_response_at", UtcDateTime),
    Column("first_any_response_at", UtcDateTime),
    Column("last_member_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("close_reason", Text),
    Column("escalation_step", Integer, nullable=False, default=0),
    Column("escalations", Integer, nullable=False, default=0),
    Column("reopens", Integer, nullable=False, default=0),
    Column("satisfaction", Integer),
    Column("merged_into", BigId),
    Column("room_channel", String(64)),
    Column("room_thread", String(64)),
    Column("room_relay", Boolean),
    Column("room_by_reply", Boolean),
    Column("first_responder", String(64)),
    Column("first_responder_name", Text),
    Index("ix_desk_cases_open", "platform", "community", "status"),
    Index("ix_desk_cases_room", "platform", "room_channel", "room_thread"),
    Index("ix_desk_cases_requester", "platform", "requester"),
)

clocks = Table(
    "desk_clocks",
    metadata,
    Column("case_id", BigId, ForeignKey("desk_cases.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("target_seconds", Integer, nullable=False),
    Column("business", Boolean, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("running_since", UtcDateTime),
    Column("accrued_seconds", Integer, nullable=False, default=0),
    Column("stopped_at", UtcDateTime),
    Column("breached_at", UtcDateTime),
    Column("warned_at", UtcDateTime),
)

messages = Table(
    "desk_messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_id", BigId, ForeignKey("desk_cases.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("author", String(64)),
    Column("author_name", Text),
    Column("role", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("channel", String(64)),
    Column("message", String(64)),
    Index("ix_desk_messages_case", "case_id"),
    Index("ix_desk_messages_message", "channel", "message"),
)

events = Table(
    "desk_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_id", BigId, ForeignKey("desk_cases.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("actor", String(64)),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_desk_events_case", "case_id"),
)


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    platform: str
    community: str
    requester: str
    requester_name: str
    subject: str
    tags: str
    origin: str
    channel: str
    thread: str | None
    card_channel: str | None
    card_message: str | None
    status: str
    policy: str | None
    assignee: str | None
    assignee_name: str | None
    opened_at: datetime
    first_response_at: datetime | None
    first_any_response_at: datetime | None
    last_member_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    escalation_step: int
    escalations: int
    reopens: int
    satisfaction: int | None
    merged_into: int | None
    room_channel: str | None = None
    room_thread: str | None = None
    room_relay: bool | None = None
    room_by_reply: bool | None = None
    first_responder: str | None = None
    first_responder_name: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def tag_set(self) -> frozenset[str]:
        return frozenset(tag for tag in self.tags.split(",") if tag)

    @property
    def ref(self) -> CommunityRef:
        return CommunityRef(Platform(self.platform), self.community)

    @property
    def requester_ref(self) -> MemberRef:
        return MemberRef(Platform(self.platform), self.requester)

    @property
    def room(self) -> ChannelRef | None:
        """The case's private room, if it has one (in the staff channel's community form)."""
        if self.room_channel is None:
            return None
        return ChannelRef(self.ref, self.room_channel, self.room_thread)

    @property
    def room_key(self) -> tuple[str, str, str] | None:
        """The room's key when it is the case's own (not a staff chat shared by replies)."""
        if self.room_channel is None or self.room_by_reply:
            return None
        return (self.platform, self.room_channel, self.room_thread or "")

    def belongs_to(self, community: CommunityRef) -> bool:
        return self.platform == community.platform.value and self.community == community.id


@dataclass(frozen=True, slots=True)
class Clock:
    case_id: int
    kind: str
    round: int
    target_seconds: int
    business: bool
    started_at: datetime
    running_since: datetime | None
    accrued_seconds: int
    stopped_at: datetime | None
    breached_at: datetime | None
    warned_at: datetime | None

    @property
    def target(self) -> timedelta:
        return timedelta(seconds=self.target_seconds)

    @property
    def accrued(self) -> timedelta:
        return timedelta(seconds=self.accrued_seconds)

    @property
    def key(self) -> str:
        return f"{self.case_id}|{self.kind}|{self.round}"
