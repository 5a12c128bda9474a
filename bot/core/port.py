"""The port every platform adapter implements: neutral actions in, platform API calls out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.capabilities import Capability
from bot.core.events import ButtonPressed, CommandInvoked
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import OutgoingMessage, PollSpec
from bot.core.permissions import Level


@dataclass(frozen=True, slots=True)
class SentPoll:
    """A poll that was sent: its message and the platform's poll id (for vote events)."""

    message: MessageRef
    poll_id: str


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a member stands in a community, for rank checks before acting on them."""

    level: Level
    is_bot: bool = False
    is_self: bool = False
    """The bot itself."""
    is_owner: bool = False
    """The owner of the server or group: nobody acts on them."""
    rank: int | None = None
    """The position of their highest role where the platform orders roles (Discord)."""


@dataclass(frozen=True, slots=True)
class Room:
    """A private room opened for one member's conversation with staff."""

    channel: ChannelRef
    member_inside: bool
    """The member reads and writes in the room itself; otherwise they talk to the bot in a
    private chat and the feature relays between the two."""
    by_reply: bool = False
    """Not a room of its own but a channel several conversations share (a Telegram staff group
    that is no forum): staff answer a conversation by replying to its messages."""


class PlatformPort(Protocol):
    """Neutral actions a feature can ask of a platform.

    Every method may raise ``NotSupported`` when the matching ``Capability`` is missing;
    features check ``capabilities`` first and use their fallback instead.
    """

    @property
    def platform(self) -> Platform: ...

    @property
    def capabilities(self) -> Capability: ...

    @property
    def native_poll_min(self) -> timedelta:
        """The shortest native poll the platform allows (Discord: one hour)."""
        ...

    def home_channel(self, community: CommunityRef) -> ChannelRef:
        """Where community-wide posts go (the group itself, or the main channel)."""
        ...

    async def send(
        self, channel: ChannelRef, message: OutgoingMessage, *, reply_to: MessageRef | None = None
    ) -> MessageRef:
        """Post a message in a channel, optionally as a reply."""
        ...

    async def standing(self, community: CommunityRef, member: MemberRef) -> Standing:
        """The member's level, whether they are the bot or the owner, and their role rank."""
        ...

    async def respond(
        self, event: CommandInvoked | ButtonPressed, message: OutgoingMessage
    ) -> MessageRef | None:
        """Answer a command or a button press (an interaction reply where the platform has one)."""
        ...

    async def edit(self, message: MessageRef, new: OutgoingMessage) -> None: ...

    async def delete(self, message: MessageRef) -> None: ...

    async def send_direct(
        self, community: CommunityRef, member: MemberRef, message: OutgoingMessage
    ) -> MessageRef | None:
        """Write to a member privately; ``None`` when the member does not accept it."""
        ...

    async def add_reaction(self, message: MessageRef, emoji: str) -> None: ...

    async def mute(
        self, community: CommunityRef, member: MemberRef, until: datetime | None, reason: str
    ) -> datetime | None:
        """Mute until a time (``None``: until unmuted). Returns the end the platform applied."""
        ...

    async def unmute(self, community: CommunityRef, member: MemberRef) -> None: ...

    async def kick(self, community: CommunityRef, member: MemberRef, reason: str) -> None: ...

    async def ban(self, community: CommunityRef, member: MemberRef, reason: str) -> None: ...

    async def unban(self, community: CommunityRef, member: MemberRef) -> None: ...

    async def set_role(
        self, community: CommunityRef, member: MemberRef, role: str, *, granted: bool
    ) -> None:
        """Give (or take back) a named platform role; needs ``Capability.ROLES``."""
        ...

    async def set_slow_mode(self, channel: ChannelRef, seconds: int) -> None:
        """Set the native per-member posting interval (0 turns it off)."""
        ...

    async def send_poll(self, channel: ChannelRef, poll: PollSpec) -> SentPoll: ...

    async def close_poll(self, poll: SentPoll) -> None: ...

    async def open_room(
        self, *, member: MemberRef, near: ChannelRef, staff: ChannelRef, title: str
    ) -> Room:
        """Open a private room for ``member`` and staff (needs ``Capability.PRIVATE_ROOMS``):
        where the platform can add the member, beside ``near`` (where they asked); otherwise
        in the ``staff`` channel. Raises when the platform refuses (rights, not a forum)."""
        ...

    async def close_room(self, room: ChannelRef) -> None:
        """Archive a room once its conversation is over (it can be written in again)."""
        ...

    async def resolve_member(self, community: CommunityRef, token: str) -> MemberRef | None:
        """Turn what a member typed (``@name``, an id) into a member, if known."""
        ...
