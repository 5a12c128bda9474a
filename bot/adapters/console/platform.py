"""An in-memory community: the console platform, and the fake platform of the tests.

It keeps channels, members and messages, turns member actions (post, join, press a button,
react) into neutral events, carries out the bot's actions on its own state, records every
action in :attr:`ConsolePlatform.actions`, and writes a readable transcript line for each.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.capabilities import Capability
from bot.core.clock import Clock
from bot.core.errors import NotSupported
from bot.core.events import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    DirectMessage,
    Event,
    MemberJoined,
    MemberLeft,
    MessageEdited,
    MessagePosted,
    ReactionAdded,
    ReactionRemoved,
)
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button, OutgoingMessage, PollSpec
from bot.core.permissions import Level
from bot.core.port import Room, SentPoll, Standing
from bot.core.richtext import RichText
from bot.i18n import DEFAULT_LOCALE, Translator, translator

log = logging.getLogger(__name__)

DIRECT = "dm"
"""The script's name for a member's private chat with the bot (``alice #dm: text``)."""

DEFAULT_CAPABILITIES = (
    Capability.BUTTONS
    | Capability.REACTIONS
    | Capability.EDIT_MESSAGES
    | Capability.DIRECT_MESSAGES
    | Capability.TIMEOUTS
    | Capability.ROLES
    | Capability.PRIVATE_ROOMS
)
"""Like Telegram: no native slow mode or polls, so features show their fallbacks."""


@dataclass(slots=True)
class StoredMessage:
    ref: MessageRef
    author: str
    text: str
    buttons: tuple[Button, ...] = ()
    reply_to: MessageRef | None = None
    deleted: bool = False
    from_bot: bool = False


@dataclass(slots=True)
class MemberState:
    present: bool = True
    banned: bool = False
    muted_until: datetime | None = None
    muted_forever: bool = False


@dataclass(frozen=True, slots=True)
class RecordedAction:
    """One outbound call, for assertions in tests."""

    kind: str
    details: Mapping[str, Any] = field(default_factory=dict)


class ConsolePlatform:
    """The console platform's community, and a ``PlatformPort`` over it."""

    PLATFORM = Platform.CONSOLE

    def __init__(
        self,
        *,
        clock: Clock,
        community_id: str = "console",
        bot_name: str = "bot",
        channels: Iterable[str] = ("general",),
        levels: Mapping[str, Level] | None = None,
        capabilities: Capability = DEFAULT_CAPABILITIES,
        sink: Callable[[str], None] | None = None,
        timezone: ZoneInfo | None = None,
        stamp: bool = False,
        owner: str | None = None,
        t: Translator | None = None,
    ) -> None:
        self.clock = clock
        self.t = t or translator(DEFAULT_LOCALE)
        """What the console says about members and the bot, in the community's language."""
        self.community = CommunityRef(Platform.CONSOLE, community_id)
        self.bot_name = bot_name
        self.channels = list(channels)
        self.levels = dict(levels or {})
        self.owner = owner
        """The console community's owner (the first admin of ``[console]``), if any."""
        self._capabilities = capabilities
        self._sink = sink
        self._tz = timezone or ZoneInfo("UTC")
        self._stamp = stamp
        self._ids = itertools.count(1)
        self.messages: dict[str, StoredMessage] = {}
        self.members: dict[str, MemberState] = {}
        self.slow_mode: dict[str, int] = {}
        self._last_post: dict[tuple[str, str], datetime] = {}
        self._reacted: dict[tuple[str, str, str | None], StoredMessage] = {}
        """(member, emoji, target as given) -> the message that reaction went to."""
        self.actions: list[RecordedAction] = []
        self.transcript: list[str] = []
        self._dispatch: Callable[[Event], Awaitable[None]] | None = None

    # -- wiring -----------------------------------------------------------------------------

    def connect(self, dispatch: Callable[[Event], Awaitable[None]]) -> None:
        """Send member events to ``dispatch`` (the dispatcher bound to this port)."""
        self._dispatch = dispatch

    @property
    def platform(self) -> Platform:
        return Platform.CONSOLE

    @property
    def capabilities(self) -> Capability:
        return self._capabilities

    @property
    def native_poll_min(self) -> timedelta:
        return timedelta(0)

    async def standing(self, community: CommunityRef, member: MemberRef) -> Standing:
        is_self = member.id == self.bot_name
        level = Level.ADMIN if is_self else self.levels.get(member.id, Level.MEMBER)
        return Standing(level, is_bot=is_self, is_self=is_self, is_owner=member.id == self.owner)

    def home_channel(self, community: CommunityRef) -> ChannelRef:
        return ChannelRef(community, self.channels[0])

    def channel(self, name: str) -> ChannelRef:
        return ChannelRef(self.community, name.removeprefix("#"))

    def member(self, name: str) -> MemberRef:
        return MemberRef(Platform.CONSOLE, name.removeprefix("@"))

    def actor(self, name: str) -> Actor:
        return Actor(self.member(name), name, self.levels.get(name, Level.MEMBER))

    def say(self, line: str) -> None:
        """Write one transcript line (stamped with the clock's local time in simulations)."""
        if self._stamp:
            line = f"[{self.clock.now().astimezone(self._tz):%Y-%m-%d %H:%M:%S}] {line}"
        self.transcript.append(line)
        if self._sink is not None:
            self._sink(line)

    # -- member actions (inbound) ---------------------------------------------------------------

    async def join(self, name: str) -> None:
        state = self.members.get(name)
        if state is not None and state.banned:
            self.say(self.t("console.saw.banned_cannot_join", name=name))
            return
        self.members[name] = MemberState()
        self.say(self.t("console.saw.joined", name=name))
        await self._emit(
            MemberJoined(
                community=self.community, occurred_at=self.clock.now(), member=self.actor(name)
            )
        )

    async def leave(self, name: str) -> None:
        state = self.members.get(name)
        if state is not None and not state.present:
            self.say(self.t("console.saw.not_member", name=name))
            return
        unseen = state is None and self.latest_message_by(name) is None
        self.members.setdefault(name, MemberState()).present = False
        # Members may post without joining first; one never seen still leaves, said so.
        self.say(self.t("console.saw.left_unseen" if unseen else "console.saw.left", name=name))
        await self._emit(
            MemberLeft(
                community=self.community, occurred_at=self.clock.now(), member=self.actor(name)
            )
        )

    async def post(
        self, name: str, channel: str, content: str, *, reply_to_member: str | None = None
    ) -> MessageRef | None:
        """``name`` writes ``content`` in ``channel``; text starting with ``/`` is a command.
        The channel ``dm`` is the member's private chat with the bot."""
        channel = channel.removeprefix("#")
        if channel == DIRECT:
            return await self.direct(name, content)
        command = content.startswith("/") and len(content) > 1 and not content[1].isspace()
        if not self._may_post(name, channel, command=command):
            return None
        reply_to: StoredMessage | None = None
        if reply_to_member is not None:
            reply_to = self.latest_message_by(reply_to_member, channel=channel)
            if reply_to is None:
                self.say(
                    self.t("console.saw.no_reply_target", member=reply_to_member, channel=channel)
                )
        ref = MessageRef(self.channel(channel), str(next(self._ids)))
        self.messages[ref.id] = StoredMessage(
            ref, name, content, reply_to=reply_to.ref if reply_to else None
        )
        arrow = f" → {reply_to.author}" if reply_to else ""
        self.say(f"#{channel} {name}{arrow}: {content}")
        self._last_post[(name, channel)] = self.clock.now()
        now = self.clock.now()
        reply_author = self.member(reply_to.author) if reply_to else None
        if command:
            command_name, _, raw_args = content[1:].partition(" ")
            await self._emit(
                CommandInvoked(
                    community=self.community,
                    occurred_at=now,
                    channel=self.channel(channel),
                    author=self.actor(name),
                    name=command_name.lower(),
                    raw_args=raw_args.strip(),
                    message=ref,
                    reply_to=reply_to.ref if reply_to else None,
                    reply_to_author=reply_author,
                )
            )
        else:
            await self._emit(
                MessagePosted(
                    community=self.community,
                    occurred_at=now,
                    channel=self.channel(channel),
                    message=ref,
                    author=self.actor(name),
                    content=content,
                    reply_to=reply_to.ref if reply_to else None,
                    reply_to_author=reply_author,
                )
            )
        return ref

    async def direct(self, name: str, content: str) -> MessageRef | None:
        """``name`` writes to the bot privately (as in a Telegram private chat)."""
        state = self.members.setdefault(name, MemberState())
        if state.banned or not state.present:
            self.say(self.t("console.saw.not_sent_absent", name=name))
            return None
        channel = ChannelRef(self.community, f"@{self.member(name).id}", direct=True)
        ref = MessageRef(channel, str(next(self._ids)))
        self.messages[ref.id] = StoredMessage(ref, name, content)
        self.say(f"[direct] {name} → {self.bot_name}: {content}")
        if content.startswith("/") and len(content) > 1 and not content[1].isspace():
            command_name, _, raw_args = content[1:].partition(" ")
            await self._emit(CommandInvoked(
                community=self.community, occurred_at=self.clock.now(), channel=channel,
                author=self.actor(name), name=command_name.lower(), raw_args=raw_args.strip(),
                message=ref,
            ))  # fmt: skip
            return ref
        await self._emit(DirectMessage(
            community=self.community, occurred_at=self.clock.now(), channel=channel, message=ref,
            author=self.actor(name), content=content,
        ))  # fmt: skip
        return ref

    async def press(self, name: str, label: str) -> bool:
        """``name`` presses the button labelled ``label`` on the latest bot message with one.

        The best kind of match anywhere wins: the exact label, then the label without emoji and
        punctuation (``[Rules]`` presses ``📜 Rules``), then a label that contains the text
        (``[Upvote]`` presses ``👍 Upvote #3``); among those, the latest message's button.
        """
        wanted = label.strip().casefold()

        def tier(button_label: str) -> int:
            text = button_label.casefold()
            if text == wanted:
                return 3
            if _bare(text) == _bare(wanted):
                return 2
            return 1 if wanted in text else 0

        best = max(
            (tier(b.label) for m in self.messages.values()
             if m.from_bot and not m.deleted for b in m.buttons if b.url is None),
            default=0,
        )  # fmt: skip
        for stored in reversed(self.messages.values()):
            if not stored.from_bot or stored.deleted or not best:
                continue
            for button in stored.buttons:
                matches = tier(button.label) == best
                if matches and button.url is None:
                    self.say(self.t("console.saw.pressed", name=name, label=button.label))
                    await self._emit(
                        ButtonPressed(
                            community=self.community,
                            occurred_at=self.clock.now(),
                            channel=stored.ref.channel,
                            message=stored.ref,
                            member=self.actor(name),
                            action=button.action,
                            payload=button.payload,
                        )
                    )
                    return True
        self.say(self.t("console.saw.no_button", label=label))
        return False

    async def react(self, name: str, emoji: str, target: str | None = None) -> bool:
        """React to ``target``'s latest message, or the latest message by someone else."""
        stored = (
            self.latest_message_by(target)
            if target
            else next(
                (
                    m
                    for m in reversed(self.messages.values())
                    if m.author != name and not m.deleted
                ),
                None,
            )
        )
        if stored is None:
            self.say(
                self.t("console.saw.no_message_by", member=target)
                if target
                else self.t("console.saw.no_message")
            )
            return False
        self.say(self.t("console.saw.reacted", name=name, emoji=emoji, author=stored.author))
        self._reacted[(name, emoji, target)] = stored
        await self._emit(
            ReactionAdded(
                community=self.community,
                occurred_at=self.clock.now(),
                channel=stored.ref.channel,
                message=stored.ref,
                member=self.actor(name),
                emoji=emoji,
                message_author=self.member(stored.author),
            )
        )
        return True

    async def edit_latest(self, name: str, content: str) -> bool:
        """``name`` edits their latest message to ``content`` (moderation sees edits too)."""
        stored = self.latest_message_by(name)
        if stored is None:
            self.say(self.t("console.saw.nothing_to_edit", name=name))
            return False
        stored.text = content
        self.say(f"#{stored.ref.channel.id} {name} {self.t('console.saw.edited')}: {content}")
        await self._emit(
            MessageEdited(
                community=self.community, occurred_at=self.clock.now(),
                channel=stored.ref.channel, message=stored.ref, author=self.actor(name),
                content=content,
            )
        )  # fmt: skip
        return True

    async def unreact(self, name: str, emoji: str, target: str | None = None) -> bool:
        """``name`` takes back ``emoji`` from the message they reacted to with it."""
        stored = self._reacted.get((name, emoji, target))
        if stored is None or stored.deleted:
            self.say(
                self.t("console.saw.no_reaction_on", name=name, emoji=emoji, member=target)
                if target
                else self.t("console.saw.no_reaction", name=name, emoji=emoji)
            )
            return False
        del self._reacted[(name, emoji, target)]
        self.say(self.t("console.saw.unreacted", name=name, emoji=emoji, author=stored.author))
        await self._emit(
            ReactionRemoved(
                community=self.community, occurred_at=self.clock.now(),
                channel=stored.ref.channel, message=stored.ref, member=self.actor(name),
                emoji=emoji, message_author=self.member(stored.author),
            )
        )  # fmt: skip
        return True

    def latest_message_by(self, name: str, *, channel: str | None = None) -> StoredMessage | None:
        for stored in reversed(self.messages.values()):
            if (
                stored.author == name
                and not stored.deleted
                and (channel is None or stored.ref.channel.id == channel)
            ):
                return stored
        return None

    def _may_post(self, name: str, channel: str, *, command: bool = False) -> bool:
        """Like a platform would: absent, banned and muted members cannot post. Commands of a
        muted member still reach the bot, as slash commands do on Discord, so a newcomer held
        at the rules gate can read /rules."""
        if channel not in self.channels:
            self.say(self.t("console.saw.no_channel", channel=channel))
            return False
        state = self.members.setdefault(name, MemberState())
        if state.banned or not state.present:
            self.say(self.t("console.saw.not_sent_absent", name=name))
            return False
        now = self.clock.now()
        muted = state.muted_forever or (state.muted_until is not None and state.muted_until > now)
        if muted and not command:
            until = self._until(None if state.muted_forever else state.muted_until)
            self.say(self.t("console.saw.muted_not_sent", name=name, until=until))
            return False
        interval = self.slow_mode.get(channel, 0)
        last = self._last_post.get((name, channel))
        if interval and last is not None and self.levels.get(name, Level.MEMBER) < Level.HELPER:
            wait = last + timedelta(seconds=interval) - now
            if wait > timedelta(0):
                seconds = int(wait.total_seconds()) + 1
                self.say(
                    self.t("console.saw.slow_wait", channel=channel, name=name, seconds=seconds)
                )
                return False
        return True

    async def _emit(self, event: Event) -> None:
        if self._dispatch is None:
            raise RuntimeError("ConsolePlatform is not connected to a dispatcher")
        await self._dispatch(event)

    def _until(self, when: datetime | None) -> str:
        """A mute's end as the console shows it; ``None`` is until a moderator lifts it."""
        return self.t("console.saw.further_notice") if when is None else self._local(when)

    def _local(self, when: datetime | None) -> str:
        return "?" if when is None else f"{when.astimezone(self._tz):%Y-%m-%d %H:%M:%S}"

    def _record(self, kind: str, **details: Any) -> None:
        self.actions.append(RecordedAction(kind, details))

    # -- the port (outbound) ---------------------------------------------------------------------

    def _store_bot_message(
        self, channel: ChannelRef, message: OutgoingMessage, reply_to: MessageRef | None
    ) -> MessageRef:
        ref = MessageRef(channel, str(next(self._ids)))
        self.messages[ref.id] = StoredMessage(
            ref, self.bot_name, message.text.plain(), message.buttons, reply_to, from_bot=True
        )
        return ref

    def _show(self, prefix: str, message: OutgoingMessage) -> None:
        body = render(message.text, message.buttons)
        first, *rest = body.split("\n")
        self.say(f"{prefix}: {first}")
        for line in rest:
            self.say(f"    {line}")
        if message.attachment is not None:
            size = len(message.attachment.data) / 1024
            name, kb = message.attachment.filename, f"{size:.0f}"
            self.say("    " + self.t("console.saw.image", file=name, size=kb))

    async def send(
        self, channel: ChannelRef, message: OutgoingMessage, *, reply_to: MessageRef | None = None
    ) -> MessageRef:
        ref = self._store_bot_message(channel, message, reply_to)
        target = self.messages.get(reply_to.id) if reply_to else None
        # A reply to the bot's own post (a poll's results) reads as a post, not "bot → bot".
        arrow = f" → {target.author}" if target and target.author != self.bot_name else ""
        self._record(
            "send",
            channel=channel.id,
            text=message.text.plain(),
            reply_to=reply_to,
            buttons=[b.label for b in message.buttons],
            message=ref,
            attachment=message.attachment,
        )
        self._show(f"#{channel.id} {self.bot_name}{arrow}", message)
        return ref

    async def respond(
        self, event: CommandInvoked | ButtonPressed, message: OutgoingMessage
    ) -> MessageRef | None:
        if message.ephemeral:
            who = event.actor.display_name
            self._record(
                "respond_ephemeral",
                member=who,
                text=message.text.plain(),
                buttons=[b.label for b in message.buttons],
            )
            ref = self._store_bot_message(event.channel, message, None)
            only = (
                self.t("console.saw.only_you")
                if who == "you"
                else self.t("console.saw.only_member", name=who)
            )
            self._show(f"#{event.channel.id} {self.bot_name} → {who} {only}", message)
            return ref
        reply_to = event.message if isinstance(event, CommandInvoked) else None
        return await self.send(event.channel, message, reply_to=reply_to)

    async def edit(self, message: MessageRef, new: OutgoingMessage) -> None:
        stored = self.messages.get(message.id)
        if stored is None or stored.deleted:
            raise LookupError(f"message {message.id} does not exist")
        stored.text, stored.buttons = new.text.plain(), new.buttons
        self._record("edit", message=message, text=new.text.plain())
        self._show(
            self.t("console.saw.bot_edited", bot=self.bot_name, channel=message.channel.id), new
        )

    async def delete(self, message: MessageRef) -> None:
        stored = self.messages.get(message.id)
        self._record("delete", message=message)
        if stored is None or stored.deleted:
            log.info("message %s to delete is already gone", message.id)
            return
        stored.deleted = True
        self.say(self.t(
            "console.saw.bot_deleted", bot=self.bot_name, author=stored.author,
            channel=message.channel.id, text=_short(stored.text),
        ))  # fmt: skip

    async def send_direct(
        self, community: CommunityRef, member: MemberRef, message: OutgoingMessage
    ) -> MessageRef | None:
        channel = ChannelRef(community, f"@{member.id}", direct=True)
        ref = self._store_bot_message(channel, message, None)
        self._record(
            "send_direct",
            member=member.id,
            text=message.text.plain(),
            buttons=[b.label for b in message.buttons],
        )
        self._show(f"[direct] {self.bot_name} → {member.id}", message)
        return ref

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        stored = self.messages.get(message.id)
        self._record("add_reaction", message=message, emoji=emoji)
        author = stored.author if stored else "?"
        self.say(self.t("console.saw.bot_reacted", bot=self.bot_name, emoji=emoji, author=author))

    async def mute(
        self, community: CommunityRef, member: MemberRef, until: datetime | None, reason: str
    ) -> datetime | None:
        if Capability.TIMEOUTS not in self._capabilities:
            raise NotSupported("mute")
        state = self.members.setdefault(member.id, MemberState())
        state.muted_until, state.muted_forever = until, until is None
        self._record("mute", member=member.id, until=until, reason=reason)
        self.say(self.t(
            "console.saw.bot_muted", bot=self.bot_name, member=member.id,
            until=self._until(until), reason=reason,
        ))  # fmt: skip
        return until

    async def unmute(self, community: CommunityRef, member: MemberRef) -> None:
        state = self.members.setdefault(member.id, MemberState())
        state.muted_until, state.muted_forever = None, False
        self._record("unmute", member=member.id)
        self.say(self.t("console.saw.bot_unmuted", bot=self.bot_name, member=member.id))

    async def kick(self, community: CommunityRef, member: MemberRef, reason: str) -> None:
        self.members.setdefault(member.id, MemberState()).present = False
        self._record("kick", member=member.id, reason=reason)
        self.say(
            self.t("console.saw.bot_kicked", bot=self.bot_name, member=member.id, reason=reason)
        )

    async def ban(self, community: CommunityRef, member: MemberRef, reason: str) -> None:
        state = self.members.setdefault(member.id, MemberState())
        state.present, state.banned = False, True
        self._record("ban", member=member.id, reason=reason)
        self.say(
            self.t("console.saw.bot_banned", bot=self.bot_name, member=member.id, reason=reason)
        )

    async def unban(self, community: CommunityRef, member: MemberRef) -> None:
        self.members.setdefault(member.id, MemberState(present=False)).banned = False
        self._record("unban", member=member.id)
        self.say(self.t("console.saw.bot_unbanned", bot=self.bot_name, member=member.id))

    async def set_role(
        self, community: CommunityRef, member: MemberRef, role: str, *, granted: bool
    ) -> None:
        if Capability.ROLES not in self._capabilities:
            raise NotSupported("set_role")
        self._record("set_role", member=member.id, role=role, granted=granted)
        key = "console.saw.bot_gave_role" if granted else "console.saw.bot_took_role"
        self.say(self.t(key, bot=self.bot_name, role=role, member=member.id))

    async def set_slow_mode(self, channel: ChannelRef, seconds: int) -> None:
        if Capability.NATIVE_SLOW_MODE not in self._capabilities:
            raise NotSupported("set_slow_mode")
        self.slow_mode[channel.id] = seconds
        self._record("set_slow_mode", channel=channel.id, seconds=seconds)
        self.say(
            self.t(
                "console.saw.bot_slow_mode", bot=self.bot_name, channel=channel.id, seconds=seconds
            )
            if seconds
            else self.t("console.saw.bot_slow_mode_off", bot=self.bot_name, channel=channel.id)
        )

    async def send_poll(self, channel: ChannelRef, poll: PollSpec) -> SentPoll:
        if Capability.NATIVE_POLLS not in self._capabilities:
            raise NotSupported("send_poll")
        ref = MessageRef(channel, str(next(self._ids)))
        self.messages[ref.id] = StoredMessage(ref, self.bot_name, poll.question, from_bot=True)
        self._record("send_poll", channel=channel.id, poll=poll, message=ref)
        options = " ".join(f"[{i}] {option}" for i, option in enumerate(poll.options, 1))
        self.say(f"#{channel.id} {self.bot_name}: 📊 {poll.question} {options}")
        return SentPoll(ref, f"poll-{ref.id}")

    async def close_poll(self, poll: SentPoll) -> None:
        self._record("close_poll", poll=poll)
        self.say(
            self.t(
                "console.saw.bot_closed_poll", bot=self.bot_name, channel=poll.message.channel.id
            )
        )

    async def open_room(
        self, *, member: MemberRef, near: ChannelRef, staff: ChannelRef, title: str
    ) -> Room:
        """A new channel ``room-N`` for staff; the member talks through ``#dm`` (as on
        Telegram, so ``simulate`` rehearses the relay)."""
        if Capability.PRIVATE_ROOMS not in self._capabilities:
            raise NotSupported("private rooms")
        name = f"room-{sum(c.startswith('room-') for c in self.channels) + 1}"
        self.channels.append(name)
        self._record("open_room", channel=name, member=member.id, title=title)
        self.say(self.t("console.saw.bot_opened_room", bot=self.bot_name, room=name, title=title))
        return Room(ChannelRef(self.community, name), member_inside=False)

    async def close_room(self, room: ChannelRef) -> None:
        self._record("close_room", channel=room.id)
        self.say(self.t("console.saw.bot_archived", bot=self.bot_name, room=room.id))

    async def resolve_member(self, community: CommunityRef, token: str) -> MemberRef | None:
        name = token.removeprefix("@")
        if name in self.members or name in self.levels:
            return self.member(name)
        if any(m.author == name for m in self.messages.values()):
            return self.member(name)
        return None


def render(text: RichText, buttons: tuple[Button, ...] = ()) -> str:
    """Console rendering: plain text, then each button as ``[Label]``."""
    body = text.plain()
    if buttons:
        labels = " ".join(f"[{b.label}]" if b.url is None else f"[{b.label} ↗]" for b in buttons)
        body = f"{body}\n{labels}" if "\n" in body else f"{body} {labels}"
    return body


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _bare(label: str) -> str:
    """A label without emoji, punctuation and surrounding spaces."""
    return "".join(c for c in label if c.isalnum() or c.isspace()).strip()
