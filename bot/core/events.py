"""Inbound neutral events. Adapters build these from platform updates; features consume them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.permissions import Level


@dataclass(frozen=True, slots=True)
class Actor:
    """A member as seen in one event: who, under which name, and with which level."""

    ref: MemberRef
    display_name: str
    level: Level = Level.MEMBER
    is_bot: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Fields every inbound event has. ``kind`` names the event in the event log."""

    kind: ClassVar[str] = "event"
    community: CommunityRef
    occurred_at: datetime

    @property
    def actor(self) -> Actor | None:
        """The member who caused the event, if any."""
        return None

    @property
    def channel_ref(self) -> ChannelRef | None:
        return None

    @property
    def message_ref(self) -> MessageRef | None:
        return None

    @property
    def text(self) -> str | None:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Written(Event):
    """What every event about a member's written message has: where, which, who, the text.
    Routing is by exact type, so a handler of one kind never receives another."""

    channel: ChannelRef
    message: MessageRef
    author: Actor
    content: str

    @property
    def actor(self) -> Actor:
        return self.author

    @property
    def channel_ref(self) -> ChannelRef:
        return self.channel

    @property
    def message_ref(self) -> MessageRef:
        return self.message

    @property
    def text(self) -> str:
        return self.content


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(Written):
    kind: ClassVar[str] = "message_posted"
    reply_to: MessageRef | None = None
    reply_to_author: MemberRef | None = None
    attachments: tuple[str, ...] = ()
    """Names of the files, photos or voice notes sent with the message (content may be empty)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectMessage(Written):
    """A member writes to the bot in a private chat (posted, or ``edited``). Kept apart from
    ``MessagePosted``: it is no community message (no moderation, not in the activity
    figures); the service desk relays it to the member's case. ``community`` is the chat's."""

    kind: ClassVar[str] = "direct_message"
    attachments: tuple[str, ...] = ()
    edited: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEdited(Written):
    kind: ClassVar[str] = "message_edited"


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageDeleted(Event):
    kind: ClassVar[str] = "message_deleted"
    channel: ChannelRef
    message: MessageRef
    deleted_by: Actor | None = None

    @property
    def actor(self) -> Actor | None:
        return self.deleted_by

    @property
    def channel_ref(self) -> ChannelRef:
        return self.channel

    @property
    def message_ref(self) -> MessageRef:
        return self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    kind: ClassVar[str] = "member_joined"
    member: Actor

    @property
    def actor(self) -> Actor:
        return self.member


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(Event):
    kind: ClassVar[str] = "member_left"
    member: Actor

    @property
    def actor(self) -> Actor:
        return self.member


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked(Event):
    """A command. ``args`` is set when the platform parsed options (slash commands);
    otherwise the dispatcher parses ``raw_args`` against the command's spec."""

    kind: ClassVar[str] = "command_invoked"
    channel: ChannelRef
    author: Actor
    name: str
    raw_args: str = ""
    args: Mapping[str, Any] | None = None
    message: MessageRef | None = None
    reply_to: MessageRef | None = None
    reply_to_author: MemberRef | None = None
    interaction_id: str | None = None

    @property
    def actor(self) -> Actor:
        return self.author

    @property
    def channel_ref(self) -> ChannelRef:
        return self.channel

    @property
    def message_ref(self) -> MessageRef | None:
        return self.message

    @property
    def text(self) -> str:
        return f"/{self.name} {self.raw_args}".rstrip()


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPressed(Event):
    kind: ClassVar[str] = "button_pressed"
    channel: ChannelRef
    message: MessageRef
    member: Actor
    action: str
    payload: str = ""
    interaction_id: str | None = None

    @property
    def actor(self) -> Actor:
        return self.member

    @property
    def channel_ref(self) -> ChannelRef:
        return self.channel

    @property
    def message_ref(self) -> MessageRef:
        return self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionAdded(Event):
    kind: ClassVar[str] = "reaction_added"
    channel: ChannelRef
    message: MessageRef
    member: Actor
    emoji: str
    message_author: MemberRef | None = None

    @property
    def actor(self) -> Actor:
        return self.member

    @property
    def channel_ref(self) -> ChannelRef:
        return self.channel

    @property
    def message_ref(self) -> MessageRef:
        return self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionRemoved(Event):
    kind: ClassVar[str] = "reaction_removed"
    channel: ChannelRef
    message: MessageRef
    member: Actor
    emoji: str
    message_author: MemberRef | None = None

    @property
    def actor(self) -> Actor:
        return self.member

    @property
    def channel_ref(self) -> ChannelRef:
        return self.channel

    @property
    def message_ref(self) -> MessageRef:
        return self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class PollVoted(Event):
    """A vote in a native poll; ``options`` empty means the vote was retracted."""

    kind: ClassVar[str] = "poll_voted"
    poll_id: str
    member: Actor
    options: tuple[int, ...] = field(default_factory=tuple)
    channel: ChannelRef | None = None

    @property
    def actor(self) -> Actor:
        return self.member

    @property
    def channel_ref(self) -> ChannelRef | None:
        return self.channel


@dataclass(frozen=True, slots=True, kw_only=True)
class BotPosted(Event):
    """The bot posted a message (recorded on the way out, never dispatched to features)."""

    kind: ClassVar[str] = "bot_posted"
    channel: ChannelRef
    message: MessageRef
    buttons: int = 0
    """Buttons under it: the next steps it offers."""

    @property
    def channel_ref(self) -> ChannelRef:
        return self.channel

    @property
    def message_ref(self) -> MessageRef:
        return self.message


EVENT_TYPES: tuple[type[Event], ...] = (
    MessagePosted,
    MessageEdited,
    MessageDeleted,
    MemberJoined,
    MemberLeft,
    CommandInvoked,
    ButtonPressed,
    ReactionAdded,
    ReactionRemoved,
    PollVoted,
)
