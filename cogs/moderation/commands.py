"""Moderator commands (and /report for members)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.capabilities import Capability
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.durations import parse_duration
from bot.core.errors import UserFacingError
from bot.core.events import CommandInvoked
from bot.core.feature import Feature, NoSettings, command
from bot.core.ids import MemberRef
from bot.core.permissions import Level
from bot.i18n import Translator
from cogs.moderation.payloads import SlowmodeEnd
from cogs.moderation.service import ModerationService

MOD = Level.MODERATOR
NATIVE_SLOWMODE_MAX = 6 * 3600


def _member(description: str = "moderation.param.member") -> Param:
    return Param("member", ParamKind.MEMBER, description)


def _reason() -> Param:
    return Param("reason", ParamKind.TEXT, "moderation.param.reason", required=False)


SPECS = {
    "warn": CommandSpec("warn", "moderation.cmd.warn", (_member(), _reason()), MOD),
    "mute": CommandSpec(
        "mute",
        "moderation.cmd.mute",
        (_member(), Param("duration", ParamKind.DURATION, "moderation.param.duration"), _reason()),
        MOD,
    ),
    "unmute": CommandSpec("unmute", "moderation.cmd.unmute", (_member(),), MOD),
    "kick": CommandSpec("kick", "moderation.cmd.kick", (_member(), _reason()), MOD),
    "ban": CommandSpec("ban", "moderation.cmd.ban", (_member(), _reason()), MOD),
    "unban": CommandSpec("unban", "moderation.cmd.unban", (_member(),), MOD),
    "slowmode": CommandSpec(
        "slowmode",
        "moderation.cmd.slowmode",
        (
            Param("interval", ParamKind.WORD, "moderation.param.interval"),
            Param("duration", ParamKind.DURATION, "moderation.param.for", required=False),
        ),
        MOD,
    ),
    "case": CommandSpec(
        "case",
        "moderation.cmd.case",
        (Param("number", ParamKind.INTEGER, "moderation.param.case", min_value=1), _reason()),
        MOD,
    ),
    "warnings": CommandSpec("warnings", "moderation.cmd.warnings", (_member(),), MOD),
    "purge": CommandSpec(
        "purge",
        "moderation.cmd.purge",
        (
            _member(),
            Param(
                "count",
                ParamKind.INTEGER,
                "moderation.param.count",
                required=False,
                min_value=1,
                max_value=100,
            ),
        ),
        MOD,
    ),
    "raid": CommandSpec(
        "raid",
        "moderation.cmd.raid",
        (Param("state", ParamKind.CHOICE, "moderation.param.state", choices=("on", "off")),),
        MOD,
    ),
    "report": CommandSpec("report", "moderation.cmd.report", (_reason(),)),
    "rules": CommandSpec("rules", "moderation.cmd.rules"),
}


class Commands(Feature[NoSettings]):
    """Moderator commands (and /report, /rules for members); mixed into the feature."""

    mod: ModerationService

    async def reason_of(self, ctx: Context) -> str:
        return str(ctx.args.get("reason") or ctx.t("moderation.no_reason"))

    def target(self, ctx: Context) -> MemberRef:
        member: MemberRef = ctx.args["member"]
        actor = ctx.event.actor
        if actor is not None and member == actor.ref:
            raise UserFacingError("moderation.not_yourself")
        return member

    async def simple(
        self, ctx: Context, action: str, *, points: int = 0, duration: timedelta | None = None
    ) -> None:
        member = self.target(ctx)
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
        await ctx.port.unban(ctx.event.community, member)
        await self._record(ctx, "unban", member)

    async def _record(self, ctx: Context, action: str, member: MemberRef) -> None:
        case = await self.mod.store.add_case(
            ctx.event.community,
            ctx.clock.now(),
            action=action,
            member=member.id,
            member_name=member.id,
            moderator=ctx.event.actor.ref.id if ctx.event.actor else None,
            moderator_name=ctx.event.actor.display_name if ctx.event.actor else None,
            reason=ctx.t("moderation.no_reason"),
        )
        await self.mod.post_case(ctx.port, ctx.t, ctx.event.community, case)
        await ctx.reply(
            ctx.t(
                "moderation.done",
                case=case.number,
                action=ctx.t(f"moderation.action.{action}"),
                member=member.id,
            )
        )

    @command(SPECS["slowmode"])
    async def slowmode(self, ctx: Context) -> None:
        channel = ctx.event.channel_ref
        assert channel is not None
        raw = str(ctx.args["interval"]).lower()
        try:
            seconds = 0 if raw in ("off", "0") else int(parse_duration(raw).total_seconds())
        except ValueError:
            raise UserFacingError("moderation.bad_interval", value=raw) from None
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

    @command(SPECS["case"])
    async def case(self, ctx: Context) -> None:
        number: int = ctx.args["number"]
        community = ctx.event.community
        if ctx.args.get("reason") and not await self.mod.store.set_reason(
            community, number, ctx.args["reason"], ctx.clock.now()
        ):
            raise UserFacingError("moderation.no_case", number=number)
        found = await self.mod.store.get_case(community, number)
        if found is None:
            raise UserFacingError("moderation.no_case", number=number)
        total = await self.mod.store.active_points(community, found.member, ctx.clock.now())
        await ctx.reply(self.mod.describe(ctx.t, found, total), ephemeral=True)

    @command(SPECS["warnings"])
    async def warnings(self, ctx: Context) -> None:
        member: MemberRef = ctx.args["member"]
        community = ctx.event.community
        now = ctx.clock.now()
        total = await self.mod.store.active_points(community, member.id, now)
        recent = await self.mod.store.member_cases(community, member.id)
        lines = [
            ctx.t(
                "moderation.warnings_head",
                member=member.id,
                count=total,
                expire=ctx.t.duration(self.mod.rules.policy.warnings.expire_after),
            )
        ]
        for item in recent:
            expired = item.points and (
                item.revoked_at or (item.expires_at and item.expires_at <= now)
            )
            lines.append(
                ctx.t(
                    "moderation.warnings_line",
                    number=item.number,
                    action=ctx.t(f"moderation.action.{item.action}"),
                    reason=item.reason,
                    points=item.points,
                    state=ctx.t("moderation.expired") if expired else "",
                )
            )
        if not recent:
            lines.append(ctx.t("moderation.warnings_none"))
        await ctx.reply("\n".join(lines), ephemeral=True)

    @command(SPECS["purge"])
    async def purge(self, ctx: Context) -> None:
        member: MemberRef = ctx.args["member"]
        count: int = ctx.args.get("count") or 20
        channel = ctx.event.channel_ref
        assert channel is not None
        recent = self.mod.recent.get(channel, ())
        targets = [m for m, author in reversed(recent) if author == member.id][:count]
        for message in targets:
            await ctx.port.delete(message)
        kept = [(m, a) for m, a in self.mod.recent.get(channel, ()) if m not in set(targets)]
        if channel in self.mod.recent:
            self.mod.recent[channel].clear()
            self.mod.recent[channel].extend(kept)
        await ctx.reply(
            ctx.t("moderation.purged", count=len(targets), member=member.id), ephemeral=True
        )

    @command(SPECS["raid"])
    async def raid(self, ctx: Context) -> None:
        community = ctx.event.community
        if ctx.args["state"] == "on":
            await self.mod.store.start_raid(community, ctx.clock.now())
            await ctx.reply(ctx.t("moderation.raid_on"))
        else:
            count = await self.mod.lift_raid(ctx.port, ctx.t, community)
            await ctx.reply(ctx.t("moderation.raid_lifted", count=count))

    @command(SPECS["report"])
    async def report(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if event.reply_to is None or event.reply_to_author is None:
            raise UserFacingError("moderation.report_how")
        evidence = ""
        for message, _author in self.mod.recent.get(event.reply_to.channel, ()):
            if message == event.reply_to:
                evidence = ctx.t("moderation.report_message", message=message.id)
        created = await self.mod.store.add_case(
            event.community,
            ctx.clock.now(),
            action="report",
            member=event.reply_to_author.id,
            member_name=event.reply_to_author.id,
            moderator=event.author.ref.id,
            moderator_name=event.author.display_name,
            reason=await self.reason_of(ctx),
            evidence=evidence or None,
            channel=event.reply_to.channel.id,
            message=event.reply_to.id,
        )
        await self.mod.post_case(
            ctx.port,
            ctx.t,
            event.community,
            created,
            buttons=self.mod.alert_buttons(ctx.t, event.community, created),
        )
        await ctx.reply(ctx.t("moderation.report_thanks"), ephemeral=True)

    @command(SPECS["rules"])
    async def show_rules(self, ctx: Context) -> None:
        await ctx.reply("\n".join(self.rules_lines(ctx.t)))

    def rules_lines(self, t: Translator) -> list[str]:
        """The community rules, numbered, under their title (also for onboarding)."""
        lines = [t("moderation.rules_title")]
        lines += [f"{number}. {rule}" for number, rule in sorted(self.mod.rules.rules.items())]
        return lines
