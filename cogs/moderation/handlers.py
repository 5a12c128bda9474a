"""What moderation does with each event: checks messages first, watches joins, handles alerts."""

from __future__ import annotations

import logging
import zlib
from dataclasses import replace
from datetime import timedelta
from pathlib import PurePath
from typing import Any

from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import CommandInvoked, MemberJoined, MessageEdited, MessagePosted
from bot.core.feature import Feature, NoSettings, deadline, middleware, on
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.ranks import rank_refusal
from bot.core.registry import Next
from bot.core.richtext import text
from cogs.moderation.limiter import Breach, Limits
from cogs.moderation.matcher import Hit
from cogs.moderation.payloads import RaidQuiet
from cogs.moderation.service import (
    ModerationService,
    Violation,
    count_links,
    count_mentions,
    strongest,
)
from cogs.roles.api import EarnedLevels
from cogs.welcome.api import Onboarding

log = logging.getLogger(__name__)

MIDDLEWARE_ORDER = 100
"""Moderation sees every message before the other features."""


def member_key(community: str, channel: str, member: str) -> str:
    """The counters' key of a member in a channel (the member last, for erasure)."""
    return f"{community}|{channel}|{member}"


class Checks(Feature[NoSettings]):
    """Every message checked before the features, joins watched, alert buttons handled."""

    mod: ModerationService
    optional = ("welcome", "roles")

    # -- every message, before the features --------------------------------------------------

    @middleware(MIDDLEWARE_ORDER)
    async def check_every_message(self, ctx: Context, call_next: Next) -> None:
        event = ctx.event
        if isinstance(event, MessagePosted | MessageEdited):
            self.mod.remember(event.message, event.author.ref.id, event.content)
            if not await self.check(ctx, event.channel, event.message, event):
                return  # removed: the features never see it
        elif isinstance(event, CommandInvoked):
            if await self.silenced(ctx, event):
                return
            # What a command posts for everyone (an AMA question, a poll) obeys the stop words.
            if event.raw_args and not await self.check_command(ctx, event):
                return
        await call_next()

    async def silenced(self, ctx: Context, event: CommandInvoked) -> bool:
        """A muted member, or one held by raid mode or the rules gate, may not use commands
        that post publicly or alert the moderators; True when this one was refused."""
        registered = ctx.services.registry.commands.get(event.name)
        if registered is None or registered.spec.while_muted or event.author.level >= Level.HELPER:
            return False
        community, member = event.community, event.author.ref.id
        muted = await self.mod.store.muted(community, member, ctx.clock.now())
        if (
            muted is None
            and not await self.mod.store.is_held(community, member)
            and not await self.gate_waiting(community, member)
        ):
            return False
        await ctx.reply(ctx.t("moderation.muted_command", name=event.name), ephemeral=True)
        return True

    async def outranked(self, ctx: Context, member: MemberRef) -> None:
        """Refuse to act on the bot, the owner, or a member of equal or higher rank."""
        actor = ctx.event.actor
        assert actor is not None
        community = ctx.event.community
        mine = await ctx.port.standing(community, actor.ref)
        mine = replace(mine, level=max(mine.level, actor.level))
        refusal = rank_refusal(mine, await ctx.port.standing(community, member))
        if refusal is not None:
            raise UserFacingError(refusal, member=member.id)

    async def holds(self, community: CommunityRef, member: str) -> bool:
        """Whether raid mode holds the member (the RaidHolds read API)."""
        return await self.mod.store.is_held(community, member)

    async def gate_waiting(self, community: CommunityRef, member: str) -> bool:
        """Whether the rules gate (the welcome feature) still holds the member."""
        onboarding = self.peer("welcome", Onboarding)
        return onboarding is not None and await onboarding.waiting(community, member)

    async def check_command(self, ctx: Context, event: CommandInvoked) -> bool:
        """Stop words in a command's text; False when the command was refused."""
        policy = self.mod.rules.policy
        author = event.author
        if author.is_bot or author.level >= policy.exempt_level:
            return True
        lists = [name for name, p in policy.lists.items() if p.applies_in(event.channel.id)]
        scan = self.mod.rules.matcher.scan(event.raw_args, lists) if lists else None
        if scan is None or not scan.flagged:
            return True
        list_policy = policy.lists[scan.hits[0].entry.list]
        if event.message is not None:
            await ctx.port.delete(event.message)
        if list_policy.action == "escalate":
            await ctx.reply(ctx.t("moderation.command_refused"), ephemeral=True)
            return False
        action = list_policy.action
        hit = scan.hits[0]
        public = ctx.t("moderation.reason.stopword", list=hit.entry.list)
        detail = stopword_detail(ctx, hit)
        await self.mod.sanction(
            ctx.port, ctx.t, event.community, author, action=action,
            reason=f"{public} {detail}", public_reason=public, rule=list_policy.rule,
            points=list_policy.points if action in ("warn", "mute") else 0,
            duration=list_policy.duration if action == "mute" else None,
            evidence=matched_in(ctx, event.text, hit), channel=event.channel,
            message=event.message)  # fmt: skip
        return False

    async def check(
        self,
        ctx: Context,
        channel: ChannelRef,
        message: MessageRef,
        event: MessagePosted | MessageEdited,
    ) -> bool:
        """Returns False when the message was removed."""
        author = event.author
        policy = self.mod.rules.policy
        if author.is_bot or author.level >= policy.exempt_level:
            return True
        community = event.community
        key = member_key(str(community), channel.id, author.ref.id)
        now = self.mod.now_seconds()
        interval = await self.mod.slowmode_in(community, channel.id)
        if interval and isinstance(event, MessagePosted):
            allowed, wait, tell = await self.mod.counters.slow_mode(key, now, interval)
            if not allowed:
                await ctx.port.delete(message)
                if tell:
                    await ctx.port.send(
                        channel,
                        OutgoingMessage(
                            text(
                                ctx.t(
                                    "moderation.slowmode_wait",
                                    member=author.display_name,
                                    duration=ctx.t.duration(
                                        timedelta(seconds=max(1, round(wait)))
                                    ),
                                )
                            )
                        ),
                    )
                return False
        violations: list[Violation] = []
        override = policy.override_for(channel.id)
        lists = [
            name for name, list_policy in policy.lists.items()
            if list_policy.applies_in(channel.id)
            and (override is None or override.lists is None or name in override.lists)
        ]  # fmt: skip
        content = event.content
        scan = self.mod.rules.matcher.scan(content, lists) if lists else None
        for hit in scan.hits if scan else ():
            list_policy = policy.lists[hit.entry.list]
            violations.append(
                Violation(
                    action=list_policy.action,
                    rule=list_policy.rule,
                    reason="moderation.reason.stopword",
                    reason_params={"list": hit.entry.list},
                    points=list_policy.points if list_policy.action in ("warn", "mute") else 0,
                    duration=list_policy.duration if list_policy.action == "mute" else None,
                    evidence=matched_in(ctx, content, hit),
                    detail=stopword_detail(ctx, hit),
                )
            )
        roles = self.peer("roles", EarnedLevels)
        if roles is not None and author.level < Level.HELPER and count_links(content):
            needed = await roles.missing_for(community, author.ref.id, "links")
            if needed is not None:
                violations.append(Violation(
                    action="delete", rule=None, reason="moderation.reason.links_level",
                    reason_params={"level": ctx.t(f"roles.level.{needed}")}, points=0,
                    duration=None, evidence=content))  # fmt: skip
        if isinstance(event, MessagePosted) and (override is None or override.frequency):
            violation = await self._frequency(key, now, content, override)
            if violation is not None:
                violations.append(violation)
        decided = strongest(violations)
        if decided is None:
            return True
        public = ctx.t(decided.reason, **decided.reason_params)
        reason = f"{public} {decided.detail}" if decided.detail else public
        if decided.action == "escalate":
            case = await self.mod.store.add_case(
                community,
                ctx.clock.now(),
                action="alert",
                member=author.ref.id,
                member_name=author.display_name,
                rule=decided.rule,
                reason=reason,
                evidence=decided.evidence,
                channel=channel.id,
                message=message.id,
            )
            await self.mod.post_case(
                ctx.port,
                ctx.t,
                community,
                case,
                buttons=self.mod.alert_buttons(ctx.t, community, case),
            )
            return True
        await ctx.port.delete(message)
        action = "delete" if decided.action == "delete" else decided.action
        await self.mod.sanction(
            ctx.port,
            ctx.t,
            community,
            author,
            action=action,
            reason=reason,
            public_reason=public,
            rule=decided.rule,
            points=decided.points,
            duration=decided.duration,
            evidence=decided.evidence,
            channel=channel,
            message=message,
        )
        await self.mod.counters.reset(key, now)
        return False

    async def _frequency(
        self, key: str, now: float, content: str, override: object
    ) -> Violation | None:
        frequency = self.mod.rules.policy.frequency
        limits = Limits(
            messages=getattr(override, "messages", None) or frequency.messages,
            per_seconds=getattr(override, "per_seconds", None) or frequency.per_seconds,
            duplicates=frequency.duplicates,
            duplicate_seconds=frequency.duplicate_seconds,
            mentions=getattr(override, "mentions", None) or frequency.mentions,
            links=getattr(override, "links", None) or frequency.links,
        )
        normalized = " ".join(content.casefold().split())
        breach = await self.mod.counters.check(
            key,
            now,
            limits,
            # A hash every process agrees on (str hashes differ per process).
            text_hash=(zlib.crc32(normalized.encode()) or 1) if normalized else 0,
            mentions=count_mentions(content),
            links=count_links(content),
        )
        if breach is None:
            return None
        by_breach: dict[Breach, dict[str, Any]] = {
            Breach.RATE: {
                "count": limits.messages,
                "window": timedelta(seconds=limits.per_seconds),
            },
            Breach.DUPLICATES: {"count": limits.duplicates},
            Breach.MENTIONS: {"count": limits.mentions},
            Breach.LINKS: {"count": limits.links},
        }
        params = by_breach[breach]
        return Violation(
            action=frequency.action, rule=frequency.rule,
            reason=f"moderation.reason.{breach.value}", reason_params=params,
            points=frequency.points if frequency.action in ("warn", "mute") else 0,
            duration=frequency.duration if frequency.action == "mute" else None,
            evidence=content)  # fmt: skip

    # -- joins ------------------------------------------------------------------------------

    @on(MemberJoined)
    async def on_join(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MemberJoined)
        community = event.community
        raid = self.mod.rules.policy.raid
        now = ctx.clock.now()
        if await self.mod.store.raid_active(community):
            await self.hold(ctx, event)
        elif await self.mod.counters.join(
            str(community), now.timestamp(), raid.joins, raid.per_seconds
        ):
            await self.mod.store.start_raid(community, now)
            window = timedelta(seconds=raid.per_seconds)
            started = ctx.t("moderation.raid_started", count=raid.joins, window=window)
            await self._modlog(ctx, started)
            await self.hold(ctx, event)
        scan = self.mod.rules.matcher.scan(
            event.member.display_name,
            [name for name, p in self.mod.rules.policy.lists.items() if p.nicknames],
        )
        if scan.flagged:
            case = await self.mod.store.add_case(
                community,
                now,
                action="alert",
                member=event.member.ref.id,
                member_name=event.member.display_name,
                reason=ctx.t("moderation.reason.nickname", list=scan.hits[0].entry.list),
                evidence=event.member.display_name,
            )
            await self.mod.post_case(ctx.port, ctx.t, community, case)

    async def hold(self, ctx: Context, event: MemberJoined) -> None:
        """During a raid, new members wait (muted) until a moderator lifts it or admits them,
        or joins stop for the quiet period; pressing the rules gate's button does not free
        them (it only records that they accepted the rules)."""
        community = event.community
        now = ctx.clock.now()
        # Held in the database whatever they press: the rules gate lets them accept the rules,
        # but only a moderator (/raid off, /admit) or the quiet period lets them post.
        await self.mod.store.hold(community, event.member.ref.id, now)
        try:
            await ctx.port.mute(community, event.member.ref, None, ctx.t("moderation.raid_hold"))
        except Exception:
            log.warning("could not hold %s during a raid", event.member.ref.id, exc_info=True)
        quiet = timedelta(minutes=self.mod.rules.policy.raid.quiet_minutes)
        await self.schedule(RaidQuiet(community=community), str(community), now + quiet)

    @deadline(RaidQuiet)
    async def on_raid_quiet(self, data: RaidQuiet) -> None:
        community = data.community
        port = self.port_for(community)
        t, _ = self.locale_for(community)
        if await self.mod.store.raid_active(community):
            await self.mod.lift_raid(port, t, community, self.gate_waiting)

    async def _modlog(self, ctx: Context, message: str) -> None:
        channel = self.mod.modlog_channel(ctx.event.community)
        if channel is not None:
            await ctx.port.send(channel, OutgoingMessage(text(message)))
        else:
            log.warning("%s", message)


def stopword_detail(ctx: Context, hit: Hit) -> str:
    """The list entry that fired, for the mod log (members see only the rule)."""
    where = f"{PurePath(hit.entry.file).name}:{hit.entry.line}"
    return ctx.t("moderation.reason.stopword_detail", entry=hit.entry.text, where=where)


def matched_in(ctx: Context, content: str, hit: Hit) -> str:
    """The message as evidence, with the normalized text the entry matched (both are the
    member's words: erased with the evidence when the member asks)."""
    return ctx.t("moderation.matched", evidence=content, matched=hit.matched)
