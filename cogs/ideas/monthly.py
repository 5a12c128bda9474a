"""Monthly rituals: the "would you recommend us?" survey (0-10, NPS = % 9-10 − % 0-6) to a
sample of active members, privately or in a channel, never twice a period, with an opt-out;
and the roundup of the month's shipped ideas."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.feature import Recurring, button, command, recurring
from bot.core.ids import ChannelRef, CommunityRef, MemberRef
from bot.core.messages import Button, OutgoingMessage
from bot.core.richtext import text
from bot.storage import schema
from cogs.ideas.moderate import IdeaModeration
from cogs.ideas.payloads import Quiet, Score
from cogs.ideas.render import loop_post

log = logging.getLogger(__name__)

WHY = CommandSpec("why", "ideas.cmd.why", (Param("text", ParamKind.TEXT, "ideas.param.why"),))
MAX_COMMENT = 1000


def nps(scores: list[int]) -> float | None:
    """% promoters (9-10) − % detractors (0-6), from -100 to 100; None without answers."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100 * (promoters - detractors) / len(scores)


def month_of(moment: datetime) -> str:
    return f"{moment:%Y-%m}"


class MonthlyRituals(IdeaModeration):
    """The survey and the roundup."""

    def surveys_due(self) -> Iterable[Recurring]:
        survey = self.settings.nps
        if not survey.enabled:
            return
        for community in dict.fromkeys([*survey.communities, *survey.channel]):
            _, tz = self.locale_for(community)
            trigger = CronTrigger(day=survey.day, hour=survey.at.hour, minute=survey.at.minute,
                                  timezone=tz)  # fmt: skip
            yield Recurring(f"ideas.nps.{community}", trigger, community,
                            catch_up=timedelta(days=3))  # fmt: skip

    def roundups_due(self) -> Iterable[Recurring]:
        for community in dict.fromkeys([*self.settings.loop_channels,
                                        *self.settings.board_channels]):  # fmt: skip
            _, tz = self.locale_for(community)
            trigger = CronTrigger(day=1, hour=10, minute=0, timezone=tz)
            yield Recurring(f"ideas.roundup.{community}", trigger, community,
                            catch_up=timedelta(days=3))  # fmt: skip

    @recurring("surveys_due")
    async def survey_job(self, slot: datetime, community: CommunityRef) -> None:
        await self.run_survey(community, slot)

    async def run_survey(self, community: CommunityRef, slot: datetime) -> int:
        """Ask the sample (or post in the channel); returns how many were asked."""
        _, tz = self.locale_for(community)
        period = month_of(slot.astimezone(tz))
        t, _ = self.locale_for(community)
        question = t("ideas.nps_question", community=self.config.community.name)
        buttons = self.score_buttons(period, community)
        port = self.port_for(community)
        channel = self.settings.nps.channel.get(community)
        if channel:
            await port.send(
                ChannelRef(community, channel), OutgoingMessage(text(question), buttons)
            )
            return 0
        quiet = await self.surveys.quiet_members(community.platform.value, "survey")
        asked = await self.surveys.asked(community, period)
        active = [m for m in await self.active(community, slot) if m not in quiet | asked]
        rng = random.Random(f"{community}|{period}")  # the same sample if the job is replayed
        sample = rng.sample(active, min(self.settings.nps.sample, len(active)))
        stop = Quiet(what="survey").button(t("ideas.quiet_survey"))
        count = 0
        for member in sorted(sample):
            if not await self.surveys.ask(community, period, member, self.clock.now()):
                continue
            message = OutgoingMessage(text(question), (*buttons, stop))
            ref = MemberRef(community.platform, member)
            if await port.send_direct(community, ref, message) is not None:
                count += 1
        log.info("ideas: survey %s %s asked %d of %d active", community, period, count,
                 len(active))  # fmt: skip
        return count

    def score_buttons(self, period: str, community: CommunityRef) -> tuple[Button, ...]:
        return tuple(
            Score(score=n, period=period, community=community.id).button(str(n)) for n in range(11)
        )

    async def active(self, community: CommunityRef, now: datetime) -> list[str]:
        """Members (not staff, not bots) who posted or engaged in the last ``active_days``."""
        days = schema.member_days
        since = (now - timedelta(days=self.settings.nps.active_days)).strftime("%Y-%m-%d")
        query = (
            select(days.c.member)
            .where(
                *schema.of_community(days, community),
                days.c.day >= since,
                days.c.actor_class == "member",
                (days.c.posted + days.c.engaged) > 0,
            )
            .distinct()
        )
        async with self.db.read() as conn:
            return sorted(str(m) for m in (await conn.execute(query)).scalars())

    @button(Score)
    async def score_pressed(self, ctx: Context, data: Score) -> None:
        actor, channel = ctx.event.actor, ctx.event.channel_ref
        assert actor is not None and channel is not None
        community = CommunityRef(ctx.event.community.platform, data.community)
        privately = channel.direct
        if not privately and community != ctx.event.community:
            raise UserFacingError("ideas.nps_not_here")
        answered = await self.surveys.answer(
            community, data.period, actor.ref.id, data.score, ctx.clock.now(),
            open_to_all=not privately,
        )  # fmt: skip
        if not answered:
            raise UserFacingError("ideas.nps_once")
        await ctx.reply(ctx.t("ideas.nps_thanks", score=data.score), ephemeral=True)

    @command(WHY)
    async def why(self, ctx: Context) -> None:
        actor = ctx.event.actor
        assert actor is not None
        words = " ".join(str(ctx.args["text"]).split())[:MAX_COMMENT]
        if not await self.surveys.comment(actor.ref, words):
            raise UserFacingError("ideas.nps_no_answer")
        await ctx.reply(ctx.t("ideas.nps_comment_thanks"), ephemeral=True)

    # -- the monthly roundup ---------------------------------------------------------------

    @recurring("roundups_due")
    async def roundup_job(self, slot: datetime, community: CommunityRef) -> None:
        await self.roundup(community, slot)

    async def roundup(self, community: CommunityRef, slot: datetime) -> bool:
        """Post last month's shipped ideas, once a month (False when there were none)."""
        t, tz = self.locale_for(community)
        local = slot.astimezone(tz)
        end = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        start = (end - timedelta(days=1)).replace(day=1)
        period = month_of(start)
        if await self.store.loop_of(community, "roundup", period) is not None:
            return False
        shipped = [i for i in await self.store.board(community, ("done",))
                   if i.done_at is not None and start <= i.done_at < end]  # fmt: skip
        if not shipped:
            return False
        body = "\n".join(t("ideas.roundup_line", idea=i.id, title=i.title) for i in shipped)
        authors = await self.authors(",".join(str(i.id) for i in shipped))
        ids = [i.id for i in shipped]
        loop_id = await self.store.draft_loop(
            community, "roundup", period, ids, body, self.clock.now()
        )
        if not await self.store.claim_loop(loop_id, self.clock.now()):
            return False
        name = (
            self.settings.loop_channels.get(community) or self.settings.board_channels[community]
        )
        sent = await self.port_for(community).send(
            ChannelRef(community, name),
            OutgoingMessage(
                loop_post(t, t("ideas.roundup_head", month=t.month(start)), body, authors)
            ),
        )
        await self.store.set_loop(loop_id, message=sent.id)
        return True
