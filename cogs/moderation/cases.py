"""Cases: /case, /warnings, /pardon, /resetwarns and members' /report (a mixin of the feature)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed, CommandInvoked
from bot.core.feature import button, command
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from cogs.moderation.handlers import Checks
from cogs.moderation.pardon import pardon as pardon_case
from cogs.moderation.payloads import AlertDelete, AlertDismiss, AlertWarn
from cogs.moderation.specs import SPECS


class Cases(Checks):
    """Reading and changing the moderators' log."""

    async def reason_of(self, ctx: Context) -> str:
        return str(ctx.args.get("reason") or ctx.t("moderation.no_reason"))

    def target(self, ctx: Context) -> MemberRef:
        member: MemberRef = ctx.args["member"]
        actor = ctx.event.actor
        if actor is not None and member == actor.ref:
            raise UserFacingError("moderation.not_yourself")
        return member

    async def _record(
        self, ctx: Context, action: str, member: MemberRef, reason: str | None = None
    ) -> None:
        case = await self.mod.store.add_case(
            ctx.event.community,
            ctx.clock.now(),
            action=action,
            member=member.id,
            member_name=member.id,
            moderator=ctx.event.actor.ref.id if ctx.event.actor else None,
            moderator_name=ctx.event.actor.display_name if ctx.event.actor else None,
            reason=reason or ctx.t("moderation.no_reason"),
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
        warned = [item for item in recent if item.points]
        others = [item for item in recent if not item.points]
        for item in warned:
            if item.revoked_at:
                state = ctx.t("moderation.pardoned")
            elif item.expires_at and item.expires_at <= now:
                state = ctx.t("moderation.expired")
            else:
                state = ""
            lines.append(
                ctx.t(
                    "moderation.warnings_line",
                    number=item.number,
                    action=ctx.t(f"moderation.action.{item.action}"),
                    reason=item.reason,
                    points=item.points,
                    state=state,
                )
            )
        if not warned:
            lines.append(ctx.t("moderation.warnings_none"))
        if others:
            lines.append(ctx.t("moderation.other_actions"))
            for item in others:
                state = ctx.t("moderation.pardoned") if item.revoked_at else ""
                lines.append(
                    ctx.t(
                        "moderation.action_line",
                        number=item.number,
                        action=ctx.t(f"moderation.action.{item.action}"),
                        reason=item.reason,
                        state=state,
                    )
                )
        await ctx.reply("\n".join(lines), ephemeral=True)

    @command(SPECS["pardon"])
    async def pardon(self, ctx: Context) -> None:
        """Revoke a case: its points stop counting, and the metrics and the hero ignore it."""
        number = int(ctx.args["number"])
        actor = ctx.event.actor
        assert actor is not None
        case = await pardon_case(
            self.mod,
            ctx.port,
            ctx.t,
            ctx.event.community,
            number,
            actor,
            await self.reason_of(ctx),
        )
        action = ctx.t("moderation.action.pardon")
        await ctx.reply(ctx.t("moderation.done", case=case.number, action=action,
                              member=case.member))  # fmt: skip

    @command(SPECS["resetwarns"])
    async def resetwarns(self, ctx: Context) -> None:
        member = self.target(ctx)
        community = ctx.event.community
        count = await self.mod.store.revoke_points(community, member.id, ctx.clock.now())
        if not count:
            raise UserFacingError("moderation.no_points", member=member.id)
        reason = ctx.t("moderation.reset_reason", count=count, reason=await self.reason_of(ctx))
        await self._record(ctx, "resetwarns", member, reason)

    @command(SPECS["report"])
    async def report(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if event.reply_to is None or event.reply_to_author is None:
            raise UserFacingError("moderation.report_how")
        evidence = ""
        for message, _author, words in self.mod.recent.get(event.reply_to.channel, ()):
            if message == event.reply_to:
                evidence = words
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

    # -- moderators' buttons on alerts --------------------------------------------------------

    @button(AlertDelete)
    @button(AlertWarn)
    @button(AlertDismiss)
    async def on_alert_button(
        self, ctx: Context, data: AlertDelete | AlertWarn | AlertDismiss
    ) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        community = CommunityRef(event.community.platform, data.community or event.community.id)
        if community != event.community:
            # The mod log may be another chat: only a button in that community's own mod log
            # may act there (a forged payload naming another community is refused).
            modlog = self.mod.modlog_channel(community)
            if modlog is None or modlog.id != event.channel.id:
                raise UserFacingError("button.expired")
        case = await self.mod.store.get_case(community, data.number)
        if case is None:
            await ctx.reply(ctx.t("moderation.no_case", number=data.number), ephemeral=True)
            return
        if isinstance(data, AlertDismiss):
            await ctx.reply(
                ctx.t(
                    "moderation.dismissed", case=case.number, moderator=event.member.display_name
                )
            )
            return
        target = MemberRef(community.platform, case.member)
        if isinstance(data, AlertWarn):
            await self.outranked(ctx, target)  # before anything is deleted
        message = (
            MessageRef(ChannelRef(community, case.channel), case.message)
            if case.channel and case.message
            else None
        )
        if message is not None:
            await ctx.port.delete(message)
        if isinstance(data, AlertWarn):
            await self.mod.sanction(
                ctx.port, ctx.t, community, target, action="warn", reason=case.reason,
                rule=case.rule, points=1, evidence=case.evidence, moderator=event.member,
                channel=message.channel if message else None, message=message,
            )  # fmt: skip
        else:
            await ctx.reply(
                ctx.t(
                    "moderation.deleted_by", case=case.number, moderator=event.member.display_name
                )
            )
