"""A platform port that tells the event log about every message the bot posts.

Metrics need the bot's own posts (the share with a next step, and how often members take it);
platforms do not echo a bot's messages back, so they are recorded on the way out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.core.events import BotPosted, ButtonPressed, CommandInvoked
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.messages import Button, OutgoingMessage
from bot.core.port import PlatformPort

Recorder = Callable[[BotPosted], Awaitable[None]]
Binder = Callable[[ChannelRef, MessageRef, Sequence[Button], Any], Awaitable[None]]


class RecordingPort:
    """Wraps a port; ``send`` and ``respond`` are recorded, and the action buttons of every
    message sent (privately too) or edited are bound to it; everything else passes through."""

    def __init__(
        self, port: PlatformPort, record: Recorder, now: Callable[[], Any], bind: Binder
    ) -> None:
        self._port = port
        self._record = record
        self._now = now
        self._bind = bind

    @property
    def wrapped(self) -> PlatformPort:
        return self._port

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    async def send(
        self, channel: ChannelRef, message: OutgoingMessage, *, reply_to: MessageRef | None = None
    ) -> MessageRef:
        sent = await self._port.send(channel, message, reply_to=reply_to)
        await self._bind(channel, sent, message.buttons, self._now())
        await self._note(channel, sent, message)
        return sent

    async def respond(
        self, event: CommandInvoked | ButtonPressed, message: OutgoingMessage
    ) -> MessageRef | None:
        sent = await self._port.respond(event, message)
        if sent is not None:
            await self._bind(event.channel, sent, message.buttons, self._now())
        if sent is not None and not message.ephemeral:
            await self._note(event.channel, sent, message)
        return sent

    async def send_direct(
        self, community: CommunityRef, member: MemberRef, message: OutgoingMessage
    ) -> MessageRef | None:
        """Bound like any message (its buttons work in the private chat), not recorded: a
        private message is no community post."""
        sent = await self._port.send_direct(community, member, message)
        if sent is not None:
            await self._bind(sent.channel, sent, message.buttons, self._now())
        return sent

    async def edit(self, message: MessageRef, new: OutgoingMessage) -> None:
        await self._port.edit(message, new)
        await self._bind(message.channel, message, new.buttons, self._now())

    async def _note(self, channel: ChannelRef, sent: MessageRef, message: OutgoingMessage) -> None:
        steps = sum(1 for b in message.buttons if b.action or b.url)
        await self._record(
            BotPosted(
                community=channel.community, occurred_at=self._now(), channel=channel,
                message=sent, buttons=steps,
            )
        )  # fmt: skip
