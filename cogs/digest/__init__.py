"""Weekly digest with the hero of the week, the moderators' weekly report, and ``/stats``.

The digest is posted once per community and week (the scheduler claims the slot, and the
``digest_posts`` row claims the ISO week, so a restart or a clock change cannot post it twice);
a digest missed while the bot was down goes out at start-up if it is less than ``max_late`` late.
"""

from __future__ import annotations

import argparse
import logging
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed
from bot.core.feature import Feature, Recurring, button, command, deadline, recurring
from bot.core.ids import ChannelRef, CommunityRef, MemberRef
from bot.core.messages import ButtonStyle, OutgoingMessage
from bot.core.payloads import clip
from bot.core.permissions import Level
from bot.core.richtext import bold, join_lines, text
from bot.i18n import Translator
from bot.scheduler import weekly_trigger
from cogs.desk.api import DeskFiguresSource, figure_lines
from cogs.digest import cli, report, upcoming
from cogs.digest.compose import Digest as DigestPostBody
from cogs.digest.compose import reason, week_key
from cogs.digest.export import Rows, weekly_rows
from cogs.digest.hero import HeroRules
from cogs.digest.metrics import compute
from cogs.digest.payloads import DigestPost, HeroDecision, Step
from cogs.digest.settings import DigestSettings
from cogs.digest.store import DigestStore
from cogs.ideas.api import IdeasFiguresSource
from cogs.ideas.api import figure_lines as ideas_lines

log = logging.getLogger(__name__)


DIGEST = CommandSpec(
    "digest",
    "digest.cmd",
    (
        Param("action", ParamKind.CHOICE, "digest.param_action", choices=("preview", "topic")),
        Param("details", ParamKind.TEXT, "digest.param_details", required=False),
    ),
    level=Level.MODERATOR,
)
STATS = CommandSpec(
    "stats",
    "stats.cmd",
    (Param("period", ParamKind.DURATION, "stats.param_period", required=False),),
    level=Level.MODERATOR,
)


STATS_SHORTEST = timedelta(hours=1)
STATS_LONGEST = timedelta(days=365)


class Digest(Feature[DigestSettings]):
    """The weekly digest and moderators' report (recurring), /digest and /stats."""

    name = "digest"
    requires = ("polls", "ama", "faq", "moderation")
    optional = ("desk", "ideas")  # their KPIs join /stats, the weekly report and stats export

    def __init__(self, services: Services, settings: DigestSettings) -> None:
        super().__init__(services, settings)
        self.store = DigestStore(services.db)
        self.rules = HeroRules(settings.new_member_hours, settings.min_points)
        self.done_weeks: Rows = OrderedDict()
        """Settled weeks' figures, computed once (the dashboard asks for them again and again)."""

    @classmethod
    def add_cli(cls, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        cli.add_commands(commands)

    async def weekly_rows(
        self, community: CommunityRef, weeks: int, now: datetime
    ) -> list[dict[str, str]]:
        await self.flush()
        return await weekly_rows(self.db, self.config, community, weeks, now, self.done_weeks)

    async def next_digest(self, community: CommunityRef, now: datetime) -> str:
        t, tz = self.locale_for(community)
        slot = await upcoming.next_slot(self.store, self.settings, community, tz, now)
        digest = await self.compose(community, slot, final=False)
        return t("digest.preview_empty") if digest.empty else digest.body().plain()

    async def forget_member(self, member: MemberRef) -> int:
        self.done_weeks.clear()  # the erased member leaves the counts
        return await self.store.forget(member.platform.value, member.id)

    def weekly(self, channels: dict[CommunityRef, str], prefix: str) -> Iterable[Recurring]:
        for community, channel in channels.items():
            _, tz = self.locale_for(community)
            trigger = weekly_trigger(self.settings.day, self.settings.at, tz)
            yield Recurring(f"{prefix}{community}", trigger, (community, channel),
                            catch_up=self.settings.max_late)  # fmt: skip

    def digests(self) -> Iterable[Recurring]:
        return self.weekly(self.settings.channels, "digest.")

    def reports(self) -> Iterable[Recurring]:
        return self.weekly(self.settings.report_channels, "digest.report.")

    @recurring("digests")
    async def digest_job(self, slot: datetime, target: tuple[CommunityRef, str]) -> None:
        community, channel = target
        if self.settings.hero_confirm:
            await self.propose_hero(community, channel, slot)
            return
        await self.post(community, channel, slot)

    @recurring("reports")
    async def report_job(self, slot: datetime, target: tuple[CommunityRef, str]) -> None:
        community, channel = target
        await self.flush()
        t, tz = self.locale_for(community)
        extra = await self.desk_lines(t, community, slot - timedelta(days=7), slot)
        message = await report.weekly_report(self.db, community, slot, t, tz, extra)
        await self.port_for(community).send(ChannelRef(community, channel), message)

    async def flush(self) -> None:
        if self.services.flush_events is not None:
            await self.services.flush_events()

    async def compose(
        self, community: CommunityRef, end: datetime, *, final: bool
    ) -> DigestPostBody:
        t, tz = self.locale_for(community)
        digest = await upcoming.compose(
            self.db, self.store, self.settings, community, end, t, tz,
            community_name=self.config.community.name, final=final,
        )  # fmt: skip
        desk = self.peer("desk", DeskFiguresSource)
        if desk is not None and self.settings.fastest_helper_min:
            found = await desk.figures(community, end - timedelta(days=7), end)
            fastest = found.fastest(self.settings.fastest_helper_min)
            if fastest is not None:
                line = t("digest.fastest_helper_line", name=fastest.name, count=fastest.answered,
                         median=t.duration(fastest.frt_median))  # fmt: skip
                digest.add_section("helper", t("digest.fastest_helper_title"), [line], None)
        return digest

    async def post(self, community: CommunityRef, channel: str, slot: datetime) -> None:
        await self.flush()
        digest = await self.compose(community, slot, final=True)
        hero = digest.hero.member if digest.hero else None
        if not await self.store.claim_post(
            community, digest.week, channel, hero, self.clock.now()
        ):
            log.info("digest %s %s: already posted", community, digest.week)
            return
        if digest.empty:
            log.info("digest %s %s: a quiet week, nothing to post", community, digest.week)
            return
        port = self.port_for(community)
        try:
            sent = await port.send(
                ChannelRef(community, channel),
                OutgoingMessage(digest.body(), tuple(digest.buttons[:8])),
            )
        except Exception:
            await self.store.release_post(community, digest.week)  # the retry posts it
            raise
        await self.store.set_post_message(community, digest.week, sent.id)
        await self.store.clear_topic(community)

    async def propose_hero(self, community: CommunityRef, channel: str, slot: datetime) -> None:
        """Ask the moderators first; the digest goes out on their decision or at ``max_late``."""
        await self.flush()
        t, tz = self.locale_for(community)
        week = week_key(slot, tz)
        payload = DigestPost(community=community, channel=channel, slot=slot)
        digest = await self.compose(community, slot, final=False)
        target = self.settings.report_channels.get(community)
        decided = await self.store.hero_decision(community, week)
        if digest.hero is None or target is None or decided is not None:
            await self.schedule(payload, f"{community}:{week}", slot)
            await self.scheduler.run_pending()
            return
        await self.schedule(payload, f"{community}:{week}", slot + self.settings.max_late)
        name = digest.hero.member
        info = text(
            bold(t("digest.confirm_title", week=week)),
            "\n",
            t("digest.hero", name=digest.hero_name, reason=reason(t, digest.hero)),
        )
        buttons = (
            HeroDecision(verdict="y", week=week, member=clip(name, 39)).button(
                t("digest.btn.confirm"), ButtonStyle.SUCCESS
            ),
            HeroDecision(verdict="n", week=week).button(t("digest.btn.skip")),
        )
        port = self.port_for(community)
        await port.send(ChannelRef(community, target), OutgoingMessage(info, buttons))

    @deadline(DigestPost)
    async def on_post_deadline(self, data: DigestPost) -> None:
        await self.post(data.community, data.channel, data.slot)

    @button(HeroDecision)
    async def on_hero(self, ctx: Context, data: HeroDecision) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        week, member = data.week, data.member or ""
        community = event.community
        decision = "confirmed" if data.verdict == "y" else "skipped"
        done = await self.store.decide_hero(
            community, week, decision, member or None, event.member.ref.id, ctx.clock.now()
        )
        if not done:
            await ctx.reply(ctx.t("digest.decided_already"), ephemeral=True)
            return
        key = "digest.confirmed" if decision == "confirmed" else "digest.skipped"
        await ctx.reply(ctx.t(key, moderator=event.member.display_name, name=member))
        pending = await self._pending_payload(community, week)
        await self.schedule(pending, f"{community}:{week}", ctx.clock.now())
        await self.scheduler.run_pending()

    async def _pending_payload(self, community: CommunityRef, week: str) -> DigestPost:
        for pending in await self.scheduler.pending(DigestPost.kind):
            if pending.key == f"{community}:{week}":
                return DigestPost.unpack(pending.payload)
        raise UserFacingError("digest.decided_already")

    @button(Step)
    async def on_step(self, ctx: Context, data: Step) -> None:
        if data.step == "thanks":
            await ctx.reply(ctx.t("digest.thanked", name=data.detail or ""), ephemeral=True)
        else:
            await ctx.reply(ctx.t(f"digest.tip.{data.step}"), ephemeral=True)

    @command(DIGEST)
    async def on_digest(self, ctx: Context) -> None:
        action = ctx.args["action"]
        details = str(ctx.args.get("details") or "").strip()
        community = ctx.event.community
        if action == "topic":
            if not details:
                raise UserFacingError("digest.topic_usage")
            actor = ctx.event.actor
            assert actor is not None
            await self.store.set_topic(community, details[:500], actor.ref.id, ctx.clock.now())
            await ctx.reply(ctx.t("digest.topic_set", topic=details[:500]), ephemeral=True)
            return
        await self.flush()
        _, tz = self.locale_for(community)
        slot = await upcoming.next_slot(self.store, self.settings, community, tz, ctx.clock.now())
        digest = await self.compose(community, slot, final=False)
        if digest.empty:
            await ctx.reply(ctx.t("digest.preview_empty"), ephemeral=True)
            return
        await ctx.reply(digest.body(), buttons=digest.buttons[:8], ephemeral=True)

    @command(STATS)
    async def on_stats(self, ctx: Context) -> None:
        period: timedelta = ctx.args.get("period") or timedelta(days=7)
        if not STATS_SHORTEST <= period <= STATS_LONGEST:
            # "/stats 7" is 7 seconds to the parser: most likely 7 days were meant.
            raise UserFacingError("stats.bad_period", value=ctx.t.duration(period))
        await self.flush()
        _, tz = self.locale_for(ctx.event.community)
        metrics = await compute(
            ctx.db,
            ctx.event.community,
            ctx.clock.now() + timedelta(seconds=1),  # what was just said counts
            period.total_seconds() / 86400,
            tz,
        )
        now = ctx.clock.now() + timedelta(seconds=1)
        extra = await self.desk_lines(ctx.t, ctx.event.community, now - period, now)
        body = report.headline(ctx.t, metrics, period)
        await ctx.reply(join_lines([body, *extra]) if extra else body, ephemeral=True)

    async def desk_lines(
        self, t: Translator, community: CommunityRef, start: datetime, end: datetime
    ) -> list[str]:
        """The service desk's and the ideas' KPIs for the period, of those enabled."""
        lines: list[str] = []
        desk = self.peer("desk", DeskFiguresSource)
        if desk is not None:
            lines += figure_lines(t, await desk.figures(community, start, end))
        ideas = self.peer("ideas", IdeasFiguresSource)
        if ideas is not None:
            lines += ideas_lines(t, await ideas.figures(community, start, end))
        return lines
