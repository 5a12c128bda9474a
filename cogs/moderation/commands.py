"""Moderator commands (and /report for members)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.capabilities import Capability
from bot.core.context import Context
from bot.core.durations import parse_duration
from bot.core.errors import UserFacingError
from bot.core.feature import command
from bot.core.ids import ChannelRef, MemberRef
from bot.core.words import canonical
from bot.i18n import Translator
from cogs.moderation.cases import Cases
from cogs.moderation.payloads import SlowmodeEnd
from cogs.moderation.specs import NATIVE_SLOWMODE_MAX, SPECS


class Commands(Cases):
    """Moderator commands (and /report, /rules for members), on top of the checks."""

    async def simple(
        self, ctx: Context, action: str, *, points: int = 0, duration: timedelta | None = None
    ) -> None:
        member = self.target(ctx)
        await self.outranked(ctx, member)
        case = await self.mod.sanction(
            ctx.port,
            ctx.t,
            ctx.event.community,
            member,
            action=action,
            reason=await self.reason_of(ctx),
            moderator=ctx.event.actor,
            channel=ctx.event.channel_ref,
            points=points,
            duration=duration,
        )
        await ctx.reply(
            ctx.t(
                "moderation.done",
                case=case.number,
                action=ctx.t(f"moderation.action.{case.action}"),
                member=case.member_name,
            )
        )

    @command(SPECS["warn"])
    async def warn(self, ctx: Context) -> None:
        await self.simple(ctx, "warn", points=1)

    @command(SPECS["mute"])
    async def mute(self, ctx: Context) -> None:
        duration: timedelta = ctx.args["duration"]
        member = self.target(ctx)
        now = ctx.clock.now()
        current = await self.mod.store.muted(ctx.event.community, member.id, now)
        if current is not None and (current.until is None or current.until > now + duration):
            until = (
                ctx.t("moderation.until", when=ctx.t.datetime(current.until, ctx.tz))
                if current.until
                else ctx.t("moderation.until_unmuted")
            )
            raise UserFacingError(
                "moderation.already_muted", member=member.id, until=until, case=current.case
            )
        await self.simple(ctx, "mute", duration=duration)

    @command(SPECS["kick"])
    async def kick(self, ctx: Context) -> None:
        await self.simple(ctx, "kick")

    @command(SPECS["ban"])
    async def ban(self, ctx: Context) -> None:
        await self.simple(ctx, "ban")

    @command(SPECS["unmute"])
    async def unmute(self, ctx: Context) -> None:
        member = self.target(ctx)
        await ctx.port.unmute(ctx.event.community, member)
        await self._record(ctx, "unmute", member)

    @command(SPECS["unban"])
    async def unban(self, ctx: Context) -> None:
        member = self.target(ctx)
        if not await self.mod.store.banned(ctx.event.community, member.id):
            raise UserFacingError("moderation.not_banned", member=member.id)
        await ctx.port.unban(ctx.event.community, member)
        await self._record(ctx, "unban", member)

    @command(SPECS["slowmode"])
    async def slowmode(self, ctx: Context) -> None:
        channel = ctx.event.channel_ref
        assert channel is not None
        raw = str(ctx.args["interval"]).lower()
        try:
            seconds = (
                0 if canonical(raw) in ("off", "0") else int(parse_duration(raw).total_seconds())
            )
        except ValueError:
            raise UserFacingError("moderation.bad_interval", value=raw) from None
        if seconds > NATIVE_SLOWMODE_MAX:
            # Discord's limit (Telegram's native one is lower still); longer is a lock, not a pace.
            raise UserFacingError(
                "moderation.interval_too_long", value=raw,
                most=ctx.t.duration(timedelta(seconds=NATIVE_SLOWMODE_MAX)),
            )  # fmt: skip
        lasting: timedelta | None = ctx.args.get("duration")
        community = ctx.event.community
        native = Capability.NATIVE_SLOW_MODE in ctx.port.capabilities and seconds <= (
            NATIVE_SLOWMODE_MAX
        )
        previous = self.mod.slowmodes.pop((community, channel.id), None)
        if native or (
            previous is None
            and seconds == 0
            and Capability.NATIVE_SLOW_MODE in ctx.port.capabilities
        ):
            await ctx.port.set_slow_mode(channel, seconds)
        elif seconds:
            self.mod.slowmodes[(community, channel.id)] = seconds
        until = ctx.clock.now() + lasting if lasting and seconds else None
        actor = ctx.event.actor
        await self.mod.store.set_slowmode(
            community, channel.id, seconds, native, until, actor.ref.id if actor else None
        )
        key = f"{community}|{channel.id}"
        if until is not None:
            await self.schedule(SlowmodeEnd(community=community, channel=channel.id), key, until)
        else:
            await self.cancel(SlowmodeEnd, key)
        if seconds == 0:
            await ctx.reply(ctx.t("moderation.slowmode_off"))
        else:
            duration = ctx.t.duration(timedelta(seconds=seconds))
            if until is not None:
                await ctx.reply(
                    ctx.t(
                        "moderation.slowmode_on_for",
                        interval=duration,
                        duration=ctx.t.duration(lasting or timedelta()),
                    )
                )
            else:
                await ctx.reply(ctx.t("moderation.slowmode_on", interval=duration))

    @command(SPECS["purge"])
    async def purge(self, ctx: Context) -> None:
        member: MemberRef = ctx.args["member"]
        count: int = ctx.args.get("count") or 20
        channel = ctx.event.channel_ref
        assert channel is not None
        recent = self.mod.recent.get(channel, ())
        targets = [m for m, author, _ in reversed(recent) if author == member.id][:count]
        for message in targets:
            await ctx.port.delete(message)
        kept = [item for item in self.mod.recent.get(channel, ()) if item[0] not in set(targets)]
        if channel in self.mod.recent:
            self.mod.recent[channel].clear()
            self.mod.recent[channel].extend(kept)
        await ctx.reply(
            ctx.t("moderation.purged", count=len(targets), member=member.id), ephemeral=True
        )

    @command(SPECS["raid"])
    async def raid(self, ctx: Context) -> None:
        community = ctx.event.community
        actor = ctx.event.actor
        by = actor.display_name if actor else "?"
        if ctx.args["state"] == "on":
            if await self.mod.store.raid_active(community):
                raise UserFacingError("moderation.raid_already_on")
            await self.mod.store.start_raid(community, ctx.clock.now())
            logged = await self.mod.log_line(
                ctx.port, community, ctx.t("moderation.raid_on_by", moderator=by)
            )
            if not self._in_modlog(ctx, logged):
                await ctx.reply(ctx.t("moderation.raid_on"))
            return
        if not await self.mod.store.raid_active(community):
            raise UserFacingError("moderation.raid_not_on")
        count, logged = await self.mod.lift_raid(
            ctx.port, ctx.t, community, self.gate_waiting, by=by
        )
        if not self._in_modlog(ctx, logged):
            await ctx.reply(ctx.t("moderation.raid_lifted", count=count))

    @staticmethod
    def _in_modlog(ctx: Context, logged: ChannelRef | None) -> bool:
        """The command was given in the mod log itself, where the log line is the answer."""
        return logged is not None and ctx.event.channel_ref == logged

    @command(SPECS["admit"])
    async def admit(self, ctx: Context) -> None:
        """Let one member held by raid mode in (they still pass the rules gate if it is on)."""
        member = self.target(ctx)
        community = ctx.event.community
        if not await self.mod.store.release(community, member.id):
            raise UserFacingError("moderation.not_held", member=member.id)
        await self.mod.let_go(ctx.port, community, member.id, self.gate_waiting)
        actor = ctx.event.actor
        await self.mod.log_line(ctx.port, community, ctx.t(
            "moderation.admitted", member=member.id, moderator=actor.display_name if actor else "?"
        ))  # fmt: skip
        await ctx.reply(ctx.t("moderation.admitted_reply", member=member.id))

    @command(SPECS["rules"])
    async def show_rules(self, ctx: Context) -> None:
        await ctx.reply("\n".join(self.rules_lines(ctx.t)))

    def rules_lines(self, t: Translator) -> list[str]:
        """The community rules, numbered, under their title (also for onboarding)."""
        lines = [t("moderation.rules_title")]
        rules = self.mod.rules.in_language(t.locale)
        lines += [f"{number}. {rule}" for number, rule in sorted(rules.items())]
        return lines
