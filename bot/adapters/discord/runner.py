"""One Discord bot: the discord.py client, gateway events as neutral events, interactions
answered within Discord's 3 seconds, and slash commands synced only when they changed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import discord

from bot.adapters.discord.commands import command_payload, fingerprint, localizations
from bot.adapters.discord.port import DiscordPort
from bot.config import DiscordConfig
from bot.core.commands import ParamKind
from bot.core.context import Services
from bot.core.durations import parse_duration
from bot.core.events import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    Event,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    PollVoted,
    ReactionAdded,
    ReactionRemoved,
)
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button
from bot.core.permissions import Level
from bot.core.port import PlatformPort
from bot.i18n import translator
from bot.scheduler import Deadline

log = logging.getLogger(__name__)

Dispatch = Callable[[Event, PlatformPort], Awaitable[None]]
DEFER_AFTER = 2.5
"""Seconds before an unanswered interaction is deferred (Discord allows 3)."""
RENEW = "discord.renew_timeout"
MODERATOR_PERMISSIONS = ("manage_guild", "ban_members", "kick_members", "moderate_members",
                         "manage_messages")  # fmt: skip


def shard_options(config: DiscordConfig) -> dict[str, Any]:
    """The client's shard arguments when processes split the shards (discord.py connects
    ``shard_ids`` of ``shard_count``; without ids, all of them)."""
    if not config.shard_count:
        return {}
    options: dict[str, Any] = {"shard_count": config.shard_count}
    if config.shard_ids:
        options["shard_ids"] = list(config.shard_ids)
    return options


class TokenRejected(Exception):
    """Discord refused the token: nothing started."""


def intents(*, privileged: bool = True) -> discord.Intents:
    """Guilds, messages, reactions; ``members`` (joins, leaves) and ``message_content``
    (stop words, FAQ answers) are privileged and must be enabled in the Developer Portal."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.guild_reactions = True
    chosen.dm_messages = True
    chosen.guild_polls = True
    chosen.members = privileged
    chosen.message_content = privileged
    return chosen


class DiscordRunner:
    """Connects one bot token and feeds its events to the dispatcher."""

    def __init__(
        self,
        config: DiscordConfig,
        token: str,
        services: Services,
        dispatch: Dispatch,
        **client_options: Any,
    ) -> None:
        if not token:
            raise ValueError("DISCORD_BOT_TOKEN is empty")
        self.config = config
        self.token = token
        self.services = services
        self.dispatch = dispatch
        self.client_options = client_options
        self.client = self._make_client(intents())
        self.port = DiscordPort(self.client, services.clock)
        self.port.level_of = self.level_of
        self.port.renew = self._renew_later
        self.dispatch_port: PlatformPort = self.port
        self._task: asyncio.Task[None] | None = None
        self.synced: list[str] = []
        """Scopes whose commands were sent in the last start-up (for logs and tests)."""
        services.scheduler.on_deadline(RENEW, self._renew)

    def _make_client(self, chosen: discord.Intents) -> discord.Client:
        shards = shard_options(self.config)
        sharded = self.config.sharded or bool(shards)
        base = discord.AutoShardedClient if sharded else discord.Client
        runner = self

        class Client(base):  # type: ignore[valid-type,misc]
            async def on_message(self, message: discord.Message) -> None:
                await runner.on_message(message)

            async def on_raw_message_edit(self, payload: Any) -> None:
                await runner.on_edit(payload)

            async def on_raw_message_delete(self, payload: Any) -> None:
                await runner.on_delete(payload)

            async def on_member_join(self, member: discord.Member) -> None:
                await runner.on_member(member, joined=True)

            async def on_member_remove(self, member: discord.Member) -> None:
                await runner.on_member(member, joined=False)

            async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
                await runner.on_reaction(payload, added=True)

            async def on_raw_reaction_remove(
                self, payload: discord.RawReactionActionEvent
            ) -> None:
                await runner.on_reaction(payload, added=False)

            async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
                await runner.on_interaction(interaction)

            async def on_raw_poll_vote_add(self, payload: Any) -> None:
                await runner.on_poll_vote(payload, added=True)

            async def on_raw_poll_vote_remove(self, payload: Any) -> None:
                await runner.on_poll_vote(payload, added=False)

        options = {
            "guild_ready_timeout": self.config.guild_ready_timeout,
            # The default for every request; each message names the members it may ping.
            "allowed_mentions": discord.AllowedMentions.none(),
            **shards,
            **self.client_options,
        }
        return Client(intents=chosen, **options)

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self, ready_within: float = 60) -> None:
        """Log in, sync the slash commands if they changed, connect, and wait until ready."""
        try:
            await self.client.login(self.token)
        except discord.LoginFailure as exc:
            raise TokenRejected(f"Discord refused the token: {exc}") from exc
        if self.config.sync_commands:
            await self.sync_commands()
        else:
            log.info("discord: slash commands are published by another process")
        self.dispatch_port = self.services.connect_port(self.port)
        self._task = asyncio.create_task(self.client.connect(reconnect=True), name="discord")
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({ready, self._task}, timeout=ready_within,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        if self._task in done and isinstance(
            self._task.exception(), discord.PrivilegedIntentsRequired
        ):
            ready.cancel()
            log.error(
                "discord: the members and message content intents are not enabled for this bot;"
                " joins, stop words and FAQ answers will not work. Enable them in the Developer"
                " Portal (Bot → Privileged Gateway Intents). Continuing without them."
            )
            await self._restart_without_privileged_intents()
            return
        if ready not in done:
            ready.cancel()
            raise TimeoutError("discord: not ready in time")

    async def _restart_without_privileged_intents(self) -> None:
        with contextlib.suppress(Exception):
            await self.client.close()
        self.client = self._make_client(intents(privileged=False))
        self.port.client = self.client
        await self.client.login(self.token)
        self._task = asyncio.create_task(self.client.connect(reconnect=True), name="discord")
        await asyncio.wait_for(self.client.wait_until_ready(), 60)

    async def problem(self) -> str | None:
        """None while the gateway connection is up and the client is ready."""
        if self.client.is_closed():
            return "disconnected"
        if not self.client.is_ready():
            return "not ready (connecting or resuming)"
        return None

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 10)

    async def sync_commands(self) -> None:
        """Send the slash commands to each scope whose stored fingerprint differs."""
        application_id = self.client.application_id
        if application_id is None:
            log.warning("discord: no application id; slash commands not synced")
            return
        locale = self.services.config.community.locale
        payload = command_payload(
            self.services.registry.visible_commands(), translator(locale), localizations(locale)
        )
        wanted = fingerprint(payload)
        self.synced = []
        scopes: list[int | None] = list(self.config.guilds) or [None]
        for guild_id in scopes:
            key = f"discord.commands.{application_id}.{guild_id or 'global'}"
            if await self.services.db.get_meta(key) == wanted:
                continue
            if guild_id is None:
                await self.client.http.bulk_upsert_global_commands(application_id, payload)
            else:
                await self.client.http.bulk_upsert_guild_commands(
                    application_id, guild_id, payload
                )
            await self.services.db.set_meta(key, wanted)
            self.synced.append(str(guild_id or "global"))
            log.info("discord: slash commands synced (%s)", guild_id or "global")

    # -- inbound ----------------------------------------------------------------------------------

    def level_of(self, user: Any) -> Level:
        if not isinstance(user, discord.Member):
            return Level.MEMBER
        permissions = user.guild_permissions
        if permissions.administrator or user.guild.owner_id == user.id:
            return Level.ADMIN
        if any(getattr(permissions, name) for name in MODERATOR_PERMISSIONS):
            return Level.MODERATOR
        if any(role.name in self.config.helper_roles for role in user.roles):
            return Level.HELPER
        return Level.MEMBER

    def actor(self, user: Any) -> Actor:
        return Actor(
            MemberRef(Platform.DISCORD, str(user.id)),
            getattr(user, "display_name", None) or str(user),
            self.level_of(user),
            bool(getattr(user, "bot", False)),
        )

    def actor_in(self, guild_id: int, user_id: int, name: str = "") -> Actor:
        """The member as an actor when the server is cached, else by id (a raw gateway event)."""
        guild = self.client.get_guild(guild_id)
        member = guild.get_member(user_id) if guild is not None else None
        if member is not None:
            return self.actor(member)
        return Actor(MemberRef(Platform.DISCORD, str(user_id)), name or str(user_id))

    @staticmethod
    def channel_ref(community: CommunityRef, channel: Any) -> ChannelRef:
        if isinstance(channel, discord.Thread) and channel.parent_id:
            return ChannelRef(community, str(channel.parent_id), str(channel.id))
        return ChannelRef(community, str(channel.id))

    async def _deliver(self, event: Event) -> None:
        try:
            await self.dispatch(event, self.dispatch_port)
        except Exception:
            log.exception("discord: dispatching %s failed", event.kind)

    async def on_message(self, message: discord.Message) -> None:
        me = self.client.user
        if message.guild is None or (me is not None and message.author.id == me.id):
            return
        community = CommunityRef(Platform.DISCORD, str(message.guild.id))
        channel = self.channel_ref(community, message.channel)
        reply_to = reply_author = None
        if message.reference is not None and message.reference.message_id:
            reply_to = MessageRef(channel, str(message.reference.message_id))
            resolved = message.reference.resolved
            if isinstance(resolved, discord.Message):
                reply_author = MemberRef(Platform.DISCORD, str(resolved.author.id))
        await self._deliver(
            MessagePosted(
                community=community, occurred_at=self.services.clock.now(), channel=channel,
                message=MessageRef(channel, str(message.id)), author=self.actor(message.author),
                content=message.content, reply_to=reply_to, reply_to_author=reply_author,
                attachments=tuple(a.filename for a in message.attachments),
            )
        )  # fmt: skip

    async def on_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edited message is checked again (a stop word edited in after posting)."""
        data: dict[str, Any] = dict(payload.data)
        author = data.get("author") or {}
        me = self.client.user
        if payload.guild_id is None or "content" not in data or not author.get("id"):
            return
        if author.get("bot") or (me is not None and int(author["id"]) == me.id):
            return
        community = CommunityRef(Platform.DISCORD, str(payload.guild_id))
        name = str(author.get("global_name") or author.get("username") or author["id"])
        actor = self.actor_in(payload.guild_id, int(author["id"]), name)
        cached = self.client.get_channel(payload.channel_id)
        channel = (
            self.channel_ref(community, cached) if cached is not None
            else ChannelRef(community, str(payload.channel_id))
        )  # fmt: skip
        await self._deliver(
            MessageEdited(
                community=community, occurred_at=self.services.clock.now(), channel=channel,
                message=MessageRef(channel, str(payload.message_id)), author=actor,
                content=str(data["content"]),
            )
        )  # fmt: skip

    async def on_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is None:
            return
        community = CommunityRef(Platform.DISCORD, str(payload.guild_id))
        channel = ChannelRef(community, str(payload.channel_id))
        await self._deliver(
            MessageDeleted(
                community=community, occurred_at=self.services.clock.now(), channel=channel,
                message=MessageRef(channel, str(payload.message_id)),
            )
        )  # fmt: skip

    async def on_member(self, member: discord.Member, *, joined: bool) -> None:
        community = CommunityRef(Platform.DISCORD, str(member.guild.id))
        event_type = MemberJoined if joined else MemberLeft
        await self._deliver(
            event_type(
                community=community,
                occurred_at=self.services.clock.now(),
                member=self.actor(member),
            )
        )

    async def on_reaction(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        if payload.guild_id is None:
            return
        me = self.client.user
        if me is not None and payload.user_id == me.id:
            return
        community = CommunityRef(Platform.DISCORD, str(payload.guild_id))
        actor = (
            self.actor(payload.member) if payload.member is not None
            else self.actor_in(payload.guild_id, payload.user_id)
        )  # fmt: skip
        channel = ChannelRef(community, str(payload.channel_id))
        author_id = getattr(payload, "message_author_id", None)
        author = MemberRef(Platform.DISCORD, str(author_id)) if author_id else None
        event_type = ReactionAdded if added else ReactionRemoved
        await self._deliver(
            event_type(
                community=community, occurred_at=self.services.clock.now(), channel=channel,
                message=MessageRef(channel, str(payload.message_id)), member=actor,
                emoji=str(payload.emoji), message_author=author,
            )
        )  # fmt: skip

    async def on_poll_vote(self, payload: discord.RawPollVoteActionEvent, *, added: bool) -> None:
        """A native poll vote; a removed vote retracts (single-choice polls, the common case)."""
        if payload.guild_id is None:
            return
        community = CommunityRef(Platform.DISCORD, str(payload.guild_id))
        actor = self.actor_in(payload.guild_id, payload.user_id)
        await self._deliver(
            PollVoted(
                community=community, occurred_at=self.services.clock.now(),
                poll_id=str(payload.message_id), member=actor,
                options=(payload.answer_id - 1,) if added else (),
                channel=ChannelRef(community, str(payload.channel_id)),
            )
        )  # fmt: skip

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None or interaction.channel_id is None:
            return
        community = CommunityRef(Platform.DISCORD, str(interaction.guild_id))
        channel = (
            self.channel_ref(community, interaction.channel)
            if interaction.channel is not None
            else ChannelRef(community, str(interaction.channel_id))
        )
        event = self._interaction_event(interaction, community, channel)
        if event is None:
            return
        key = str(interaction.id)
        self.port.interactions[key] = interaction
        deferring = asyncio.create_task(self._defer_later(interaction))
        try:
            await self._deliver(event)
        finally:
            deferring.cancel()
            self.port.interactions.pop(key, None)
            await self._acknowledge(interaction)

    def _interaction_event(
        self, interaction: discord.Interaction[Any], community: CommunityRef, channel: ChannelRef
    ) -> Event | None:
        data: dict[str, Any] = dict(interaction.data or {})
        now = self.services.clock.now()
        author = self.actor(interaction.user)
        if interaction.type is discord.InteractionType.application_command:
            name = str(data.get("name", ""))
            options = {str(o.get("name")): o.get("value") for o in data.get("options") or []}
            args = self._arguments(name, options)
            raw = " ".join(str(v) for v in options.values())
            return CommandInvoked(
                community=community, occurred_at=now, channel=channel, author=author, name=name,
                raw_args=raw, args=args, interaction_id=str(interaction.id),
            )  # fmt: skip
        if interaction.type is discord.InteractionType.component and interaction.message:
            action, payload = Button.parse_data(str(data.get("custom_id", "")))
            return ButtonPressed(
                community=community, occurred_at=now, channel=channel,
                message=MessageRef(channel, str(interaction.message.id)), member=author,
                action=action, payload=payload, interaction_id=str(interaction.id),
            )  # fmt: skip
        return None

    def _arguments(self, name: str, options: dict[str, Any]) -> dict[str, Any] | None:
        """Typed options as the core's arguments; ``None`` lets the dispatcher parse (and
        explain) what Discord cannot type, such as a duration."""
        registered = self.services.registry.commands.get(name)
        if registered is None:
            return None
        args: dict[str, Any] = {}
        for param in registered.spec.params:
            if param.name not in options:
                continue
            value = options[param.name]
            if param.kind is ParamKind.MEMBER:
                args[param.name] = MemberRef(Platform.DISCORD, str(value))
            elif param.kind is ParamKind.INTEGER:
                args[param.name] = int(value)
            elif param.kind is ParamKind.DURATION:
                try:
                    args[param.name] = parse_duration(str(value))
                except ValueError:
                    return None
            elif param.kind is ParamKind.CHOICE:
                args[param.name] = str(value).lower()
            else:
                args[param.name] = str(value)
        return args

    async def _defer_later(self, interaction: discord.Interaction[Any]) -> None:
        await asyncio.sleep(DEFER_AFTER)
        if not interaction.response.is_done():
            with contextlib.suppress(discord.HTTPException):
                if interaction.type is discord.InteractionType.component:
                    await interaction.response.defer()
                else:
                    await interaction.response.defer(thinking=True)

    async def _acknowledge(self, interaction: discord.Interaction[Any]) -> None:
        """Every interaction gets an answer, or Discord shows "the application did not respond"."""
        if interaction.response.is_done():
            return
        with contextlib.suppress(discord.HTTPException):
            if interaction.type is discord.InteractionType.component:
                await interaction.response.defer()
            else:
                await interaction.response.send_message("✓", ephemeral=True)

    # -- timeouts longer than 28 days -----------------------------------------------------------

    async def _renew_later(
        self,
        community: CommunityRef,
        member: MemberRef,
        at: datetime,
        until: datetime | None,
        reason: str,
    ) -> None:
        await self.services.scheduler.schedule(
            RENEW, f"{community}:{member.id}", at,
            {"community": community.id, "member": member.id, "reason": reason,
             "until": until.isoformat() if until else None},
        )  # fmt: skip

    async def _renew(self, deadline: Deadline) -> None:
        data = deadline.payload
        community = CommunityRef(Platform.DISCORD, data["community"])
        until = datetime.fromisoformat(data["until"]) if data.get("until") else None
        await self.port.mute(community, MemberRef(Platform.DISCORD, data["member"]), until,
                             data.get("reason") or "")  # fmt: skip
