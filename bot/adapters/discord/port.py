"""The core's actions as discord.py calls, with Discord's limits and permissions checked first.

Discord bans bots that pile up failed requests (10,000 in 10 minutes), so every moderation action
checks the bot's permissions and role position before calling, and tells why it cannot.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.adapters.discord.render import render_markdown
from bot.core.capabilities import Capability
from bot.core.clock import Clock
from bot.core.errors import ActionRefused
from bot.core.events import ButtonPressed, CommandInvoked
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, PollSpec
from bot.core.permissions import Level
from bot.core.port import Room, SentPoll, Standing
from bot.core.richtext import Bold, Italic, Mention, Span

log = logging.getLogger(__name__)

MAX_TIMEOUT = timedelta(days=28) - timedelta(minutes=1)
MAX_SLOWMODE = 21600
_MENTION = re.compile(r"^<@!?(\d{15,21})>$")
STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.SUCCESS: discord.ButtonStyle.success,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
    ButtonStyle.LINK: discord.ButtonStyle.link,
}


Renewal = Callable[[CommunityRef, MemberRef, datetime, datetime | None, str], Awaitable[None]]


class MissingPermission(ActionRefused):
    """The bot lacks a permission for an action; said once in the log instead of a 403."""


def view_of(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    """Buttons as a persistent view: presses are routed by ``custom_id``, also after a restart."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(buttons[:25]):
        item: discord.ui.Button[discord.ui.View]
        if button.url:
            item = discord.ui.Button(label=button.label[:80], url=button.url, row=index // 5)
        else:
            item = discord.ui.Button(
                label=button.label[:80], custom_id=button.data, style=STYLES[button.style],
                row=index // 5,
            )  # fmt: skip
        view.add_item(item)
    return view


def allowed_mentions(message: OutgoingMessage) -> discord.AllowedMentions:
    """Only the members the feature mentions are pinged (and the author of a message the bot
    replies to): never @everyone, @here or a role, whatever the text contains."""
    users = [discord.Object(int(m.member.id)) for m in mentions(message.text.spans)
             if m.member.id.isdigit()]  # fmt: skip
    return discord.AllowedMentions(everyone=False, roles=False, users=users, replied_user=True)


def mentions(spans: Iterable[Span]) -> Iterator[Mention]:
    for span in spans:
        if isinstance(span, Mention):
            yield span
        elif isinstance(span, Bold | Italic):
            yield from mentions(span.children)


class DiscordPort:
    platform = Platform.DISCORD
    capabilities = (
        Capability.NATIVE_SLOW_MODE | Capability.TIMEOUTS | Capability.BUTTONS
        | Capability.REACTIONS | Capability.EDIT_MESSAGES | Capability.DIRECT_MESSAGES
        | Capability.THREADS | Capability.ROLES | Capability.NATIVE_POLLS
        | Capability.PRIVATE_ROOMS
    )  # fmt: skip
    native_poll_min = timedelta(hours=1)

    def __init__(self, client: discord.Client, clock: Clock) -> None:
        self.client = client
        self.clock = clock
        self.interactions: dict[str, discord.Interaction[Any]] = {}
        """Interactions still waiting for (or able to take) an answer, by interaction id."""
        self.renew: Renewal | None = None
        """Set by the runner: schedules the next timeout of a mute longer than 28 days."""
        self.level_of: Callable[[Any], Level] | None = None
        """Set by the runner: a member's level from their permissions and roles."""

    # -- lookups ----------------------------------------------------------------------------------

    def guild(self, community: CommunityRef) -> discord.Guild:
        guild = self.client.get_guild(int(community.id))
        if guild is None:
            raise LookupError(f"the bot is not in the Discord server {community.id}")
        return guild

    async def channel(self, ref: ChannelRef) -> Any:
        target = int(ref.thread or ref.id)
        found = self.client.get_channel(target)
        return found if found is not None else await self.client.fetch_channel(target)

    async def member(self, community: CommunityRef, member: MemberRef) -> discord.Member:
        guild = self.guild(community)
        found = guild.get_member(int(member.id))
        return found if found is not None else await guild.fetch_member(int(member.id))

    def require(self, community: CommunityRef, *names: str, channel: Any = None) -> None:
        guild = self.guild(community)
        me = guild.me
        permissions = channel.permissions_for(me) if channel is not None else me.guild_permissions
        missing = [name for name in names if not getattr(permissions, name)]
        if missing:
            # Discord's own permission names, as server settings show them (not translated).
            listed = ", ".join(name.replace("_", " ").title() for name in missing)
            raise MissingPermission("refused.permission", permissions=listed)

    async def standing(self, community: CommunityRef, member: MemberRef) -> Standing:
        guild = self.guild(community)
        try:
            found = await self.member(community, member)
        except (discord.NotFound, discord.HTTPException):
            return Standing(Level.MEMBER)  # not (or no longer) in the server
        me = self.client.user
        return Standing(
            self.level_of(found) if self.level_of else Level.MEMBER,
            is_bot=found.bot,
            is_self=me is not None and found.id == me.id,
            is_owner=found.id == guild.owner_id,
            rank=found.top_role.position,
        )

    def require_above(self, community: CommunityRef, target: discord.Member) -> None:
        guild = self.guild(community)
        if target.id == guild.owner_id or target.top_role >= guild.me.top_role:
            raise MissingPermission("refused.member_above", member=target.display_name)

    def home_channel(self, community: CommunityRef) -> ChannelRef:
        guild = self.guild(community)
        channel = guild.system_channel or next(iter(guild.text_channels), None)
        if channel is None:
            raise LookupError(f"Discord server {community.id} has no text channel")
        return ChannelRef(community, str(channel.id))

    # -- messages ---------------------------------------------------------------------------------

    async def send(
        self, channel: ChannelRef, message: OutgoingMessage, *, reply_to: MessageRef | None = None
    ) -> MessageRef:
        target = await self.channel(channel)
        if getattr(target, "guild", None) is not None:
            self.require(channel.community, "send_messages", "view_channel", channel=target)
        chunks = render_markdown(message.text)
        sent: discord.Message | None = None
        file = (
            discord.File(_bytes(message.attachment.data), filename=message.attachment.filename)
            if message.attachment is not None
            else None
        )
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            reference = (
                discord.MessageReference(message_id=int(reply_to.id), channel_id=int(target.id),
                                         fail_if_not_exists=False)
                if reply_to is not None and index == 0 else None
            )  # fmt: skip
            kwargs: dict[str, Any] = {
                "content": chunk or None, "reference": reference,
                "allowed_mentions": allowed_mentions(message),
            }  # fmt: skip
            view = view_of(message.buttons) if last else None
            if view is not None:
                kwargs["view"] = view
            if last and file is not None:
                kwargs["file"] = file
            sent = await target.send(**kwargs)
        assert sent is not None
        return MessageRef(channel, str(sent.id))

    async def respond(
        self, event: CommandInvoked | ButtonPressed, message: OutgoingMessage
    ) -> MessageRef | None:
        interaction = self.interactions.get(event.interaction_id or "")
        if interaction is None:
            reply_to = event.message if isinstance(event, CommandInvoked) else None
            return await self.send(event.channel, message, reply_to=reply_to)
        content = "\n".join(render_markdown(message.text))[:2000]
        kwargs: dict[str, Any] = {
            "content": content, "ephemeral": message.ephemeral,
            "allowed_mentions": allowed_mentions(message),
        }  # fmt: skip
        view = view_of(message.buttons)
        if view is not None:
            kwargs["view"] = view
        if not interaction.response.is_done():
            answer = await interaction.response.send_message(**kwargs)
            resource = getattr(answer, "resource", None)
            if isinstance(resource, discord.InteractionMessage):
                return MessageRef(event.channel, str(resource.id))
            return None
        followup = await interaction.followup.send(wait=True, **kwargs)
        return MessageRef(event.channel, str(followup.id))

    async def edit(self, message: MessageRef, new: OutgoingMessage) -> None:
        target = await self.channel(message.channel)
        view = view_of(new.buttons)
        await target.get_partial_message(int(message.id)).edit(
            content=render_markdown(new.text)[0], view=view
        )

    async def delete(self, message: MessageRef) -> None:
        target = await self.channel(message.channel)
        if getattr(target, "guild", None) is not None:
            self.require(message.channel.community, "manage_messages", channel=target)
        await target.get_partial_message(int(message.id)).delete()

    async def send_direct(
        self, community: CommunityRef, member: MemberRef, message: OutgoingMessage
    ) -> MessageRef | None:
        try:
            user = await self.member(community, member)
            view = view_of(message.buttons)
            content = render_markdown(message.text)[0]
            quiet = allowed_mentions(message)
            sent = await (
                user.send(content, view=view, allowed_mentions=quiet)
                if view
                else user.send(content, allowed_mentions=quiet)
            )
        except (discord.Forbidden, discord.NotFound):
            return None  # DMs closed: not an error
        return MessageRef(ChannelRef(community, str(sent.channel.id)), str(sent.id))

    async def open_room(
        self, *, member: MemberRef, near: ChannelRef, staff: ChannelRef, title: str
    ) -> Room:
        """A private thread in the channel where the member asked (they must see its parent),
        with the member and up to 25 helpers added; moderators with Manage Threads see it."""
        parent = await self.channel(ChannelRef(near.community, near.id))
        self.require(near.community, "create_private_threads", "send_messages_in_threads",
                     channel=parent)  # fmt: skip
        thread = await parent.create_thread(
            name=title[:100], type=discord.ChannelType.private_thread, invitable=False,
            auto_archive_duration=10080,
        )  # fmt: skip
        await thread.add_user(discord.Object(id=int(member.id)))
        if self.level_of is not None:
            helpers = [
                m for m in self.guild(near.community).members
                if not m.bot and m.id != int(member.id) and self.level_of(m) is Level.HELPER
            ]  # fmt: skip
            for helper in helpers[:25]:
                await thread.add_user(helper)
        return Room(ChannelRef(near.community, str(parent.id), str(thread.id)), member_inside=True)

    async def close_room(self, room: ChannelRef) -> None:
        thread = await self.channel(room)
        if isinstance(thread, discord.Thread):
            await thread.edit(archived=True)

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        target = await self.channel(message.channel)
        await target.get_partial_message(int(message.id)).add_reaction(emoji)

    # -- moderation -------------------------------------------------------------------------------

    async def mute(
        self, community: CommunityRef, member: MemberRef, until: datetime | None, reason: str
    ) -> datetime | None:
        """A timeout; Discord caps it at 28 days, so longer mutes end there (renewed by the
        runner) and the applied end is returned."""
        self.require(community, "moderate_members")
        target = await self.member(community, member)
        self.require_above(community, target)
        cap = self.clock.now() + MAX_TIMEOUT
        end = cap if until is None or until > cap else until
        await target.timeout(end, reason=reason[:512])
        if end == cap and self.renew is not None:
            await self.renew(community, member, cap, until, reason)
        return until

    async def unmute(self, community: CommunityRef, member: MemberRef) -> None:
        self.require(community, "moderate_members")
        target = await self.member(community, member)
        await target.timeout(None)

    async def kick(self, community: CommunityRef, member: MemberRef, reason: str) -> None:
        self.require(community, "kick_members")
        target = await self.member(community, member)
        self.require_above(community, target)
        await self.guild(community).kick(target, reason=reason[:512])

    async def ban(self, community: CommunityRef, member: MemberRef, reason: str) -> None:
        self.require(community, "ban_members")
        guild = self.guild(community)
        found = guild.get_member(int(member.id))
        if found is not None:
            self.require_above(community, found)
        await guild.ban(discord.Object(int(member.id)), reason=reason[:512],
                        delete_message_seconds=0)  # fmt: skip

    async def unban(self, community: CommunityRef, member: MemberRef) -> None:
        self.require(community, "ban_members")
        await self.guild(community).unban(discord.Object(int(member.id)))

    async def set_role(
        self, community: CommunityRef, member: MemberRef, role: str, *, granted: bool
    ) -> None:
        self.require(community, "manage_roles")
        guild = self.guild(community)
        found = discord.utils.get(guild.roles, name=role)
        if found is None:
            raise LookupError(f"Discord server {community.id} has no role named {role!r}")
        if found >= guild.me.top_role:
            raise MissingPermission("refused.role_above", role=role)
        target = await self.member(community, member)
        if granted:
            await target.add_roles(found)
        else:
            await target.remove_roles(found)

    async def set_slow_mode(self, channel: ChannelRef, seconds: int) -> None:
        """Discord's own slow mode goes up to 6 hours; the moderation feature emulates longer."""
        target = await self.channel(channel)
        self.require(channel.community, "manage_channels", channel=target)
        await target.edit(slowmode_delay=max(0, min(seconds, MAX_SLOWMODE)))

    async def send_poll(self, channel: ChannelRef, poll: PollSpec) -> SentPoll:
        """A native poll (1 hour to 32 days, up to 10 answers; the polls feature sends button
        polls otherwise). Its id is the message id, which vote events carry."""
        target = await self.channel(channel)
        self.require(channel.community, "send_messages", "send_polls", channel=target)
        hours = 1
        if poll.closes_at is not None:
            hours = math.ceil((poll.closes_at - self.clock.now()).total_seconds() / 3600)
        native = discord.Poll(poll.question[:300], timedelta(hours=max(1, min(hours, 768))),
                              multiple=poll.multiple_choice)  # fmt: skip
        for option in poll.options:
            native.add_answer(text=option[:55])
        sent = await target.send(poll=native)
        return SentPoll(MessageRef(channel, str(sent.id)), str(sent.id))

    async def close_poll(self, poll: SentPoll) -> None:
        """End the poll now (the bot's own closing time rules, not Discord's hour grid)."""
        target = await self.channel(poll.message.channel)
        message = await target.fetch_message(int(poll.message.id))
        if message.poll is not None and not message.poll.is_finalized():
            await message.end_poll()

    async def resolve_member(self, community: CommunityRef, token: str) -> MemberRef | None:
        token = token.strip()
        match = _MENTION.match(token)
        if match or token.isdigit():
            return MemberRef(Platform.DISCORD, match.group(1) if match else token)
        name = token.removeprefix("@").casefold()
        guild = self.client.get_guild(int(community.id))
        if guild is None:
            return None
        for member in guild.members:
            if name in (member.name.casefold(), member.display_name.casefold()):
                return MemberRef(Platform.DISCORD, str(member.id))
        return None


def _bytes(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
