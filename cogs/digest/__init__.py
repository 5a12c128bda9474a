"""Weekly digest with the hero of the week, the moderators' weekly report, and ``/stats``.

The digest is posted once per community and week (the scheduler claims the slot, and the
``digest_posts`` row claims the ISO week, so a restart or a clock change cannot post it twice);
a digest missed while the bot was down goes out at start-up if it is less than ``max_late`` late.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.config import optional_duration
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed
from bot.core.ids import ChannelRef, CommunityRef, Platform
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.permissions import Level
from bot.core.registry import Registry
from bot.core.richtext import bold, text
from bot.scheduler import Deadline, weekly_trigger
from cogs.digest import report
from cogs.digest.compose import STEP, Digest, build_digest, reason, week_key
from cogs.digest.hero import HeroRules
from cogs.digest.metrics import compute
from cogs.digest.store import DigestStore

log = logging.getLogger(__name__)

HERO = "digest.hero"
POST = "digest.post"

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


def setup(registry: Registry, services: Services) -> None:
    settings = services.config.digest
    store = DigestStore(services.db)
    rules = HeroRules(settings.new_member_hours, settings.min_points)
    max_late = optional_duration(settings.max_late)

    async def flush() -> None:
        if services.flush_events is not None:
            await services.flush_events()

    async def compose(community: CommunityRef, end: datetime, *, final: bool) -> Digest:
        t, tz = services.locale_for(community)
        week = week_key(end, tz)
        override = await store.hero_decision(community, week) if settings.hero_confirm else None
        excluded: set[str] = set()
        if settings.rotation_weeks:
            since = end - timedelta(weeks=settings.rotation_weeks, days=1)
            excluded = await store.recent_heroes(community, since)
        if settings.hero_confirm and final and override is None:
            override = ("skipped", None)  # nobody confirmed in time
        return await build_digest(
            services.db,
            community,
            end,
            t,
            tz,
            community_name=services.config.community.name,
            rules=rules,
            hero_override=override,
            excluded_heroes=excluded,
            topic=await store.topic(community),
        )

    async def post(community: CommunityRef, channel: str, slot: datetime) -> None:
        await flush()
        digest = await compose(community, slot, final=True)
        hero = digest.hero.member if digest.hero else None
        if not await store.claim_post(community, digest.week, channel, hero, services.clock.now()):
            log.info("digest %s %s: already posted", community, digest.week)
            return
        if digest.empty:
            log.info("digest %s %s: a quiet week, nothing to post", community, digest.week)
            return
        port = services.port_for(community)
        try:
            sent = await port.send(
                ChannelRef(community, channel),
                OutgoingMessage(digest.body(), tuple(digest.buttons[:8])),
            )
        except Exception:
            await store.release_post(community, digest.week)  # the retry posts it
            raise
        await store.set_post_message(community, digest.week, sent.id)
        await store.clear_topic(community)

    def digest_job(community: CommunityRef, channel: str) -> Callable[[datetime], Awaitable[None]]:
        async def run(slot: datetime) -> None:
            if settings.hero_confirm:
                await propose_hero(community, channel, slot)
                return
            await post(community, channel, slot)

        return run

    async def propose_hero(community: CommunityRef, channel: str, slot: datetime) -> None:
        """Ask the moderators first; the digest goes out on their decision or at ``max_late``."""
        await flush()
        t, tz = services.locale_for(community)
        week = week_key(slot, tz)
        payload = {
            "platform": community.platform.value,
            "community": community.id,
            "channel": channel,
            "slot": slot.isoformat(),
        }
        digest = await compose(community, slot, final=False)
        target = settings.report_channels.get(str(community))
        decided = await store.hero_decision(community, week)
        if digest.hero is None or target is None or decided is not None:
            await services.scheduler.schedule(POST, f"{community}:{week}", slot, payload)
            await services.scheduler.run_pending()
            return
        await services.scheduler.schedule(POST, f"{community}:{week}", slot + max_late, payload)
        name = digest.hero.member
        info = text(
            bold(t("digest.confirm_title", week=week)),
            "\n",
            t("digest.hero", name=digest.hero_name, reason=reason(t, digest.hero)),
        )
        buttons = (
            Button(t("digest.btn.confirm"), HERO, f"y:{week}:{name}"[:60], ButtonStyle.SUCCESS),
            Button(t("digest.btn.skip"), HERO, f"n:{week}", ButtonStyle.SECONDARY),
        )
        port = services.port_for(community)
        await port.send(ChannelRef(community, target), OutgoingMessage(info, buttons))

    async def on_post_deadline(deadline: Deadline) -> None:
        data = deadline.payload
        community = CommunityRef(Platform(data["platform"]), data["community"])
        await post(community, data["channel"], datetime.fromisoformat(data["slot"]))

    services.scheduler.on_deadline(POST, on_post_deadline)

    async def on_hero(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        if event.member.level < Level.MODERATOR:
            raise UserFacingError(
                "command.not_allowed", name="digest", level=ctx.t("level.moderator")
            )
        verdict, _, rest = event.payload.partition(":")
        week, _, member = rest.partition(":")
        community = event.community
        decision = "confirmed" if verdict == "y" else "skipped"
        done = await store.decide_hero(
            community, week, decision, member or None, event.member.ref.id, ctx.clock.now()
        )
        if not done:
            await ctx.reply(ctx.t("digest.decided_already"), ephemeral=True)
            return
        key = "digest.confirmed" if decision == "confirmed" else "digest.skipped"
        await ctx.reply(ctx.t(key, moderator=event.member.display_name, name=member))
        await services.scheduler.schedule(
            POST, f"{community}:{week}", ctx.clock.now(), await _pending_payload(community, week)
        )
        await services.scheduler.run_pending()

    async def _pending_payload(community: CommunityRef, week: str) -> dict[str, str]:
        for pending in await services.scheduler.pending(POST):
            if pending.key == f"{community}:{week}":
                return dict(pending.payload)
        raise UserFacingError("digest.decided_already")

    async def on_step(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        step, _, detail = event.payload.partition(":")
        if step == "thanks":
            name = detail
            await ctx.reply(ctx.t("digest.thanked", name=name), ephemeral=True)
        elif step in ("ask", "poll", "ama", "faq", "topic"):
            await ctx.reply(ctx.t(f"digest.tip.{step}"), ephemeral=True)
        else:
            raise UserFacingError("button.expired")

    async def on_digest(ctx: Context) -> None:
        action = ctx.args["action"]
        details = str(ctx.args.get("details") or "").strip()
        community = ctx.event.community
        if action == "topic":
            if not details:
                raise UserFacingError("digest.topic_usage")
            actor = ctx.event.actor
            assert actor is not None
            await store.set_topic(community, details[:500], actor.ref.id, ctx.clock.now())
            await ctx.reply(ctx.t("digest.topic_set", topic=details[:500]), ephemeral=True)
            return
        await flush()
        # Up to and including this instant (what was just said counts).
        digest = await compose(community, ctx.clock.now() + timedelta(seconds=1), final=False)
        if digest.empty:
            await ctx.reply(ctx.t("digest.preview_empty"), ephemeral=True)
            return
        await ctx.reply(digest.body(), buttons=digest.buttons[:8], ephemeral=True)

    async def on_stats(ctx: Context) -> None:
        period: timedelta = ctx.args.get("period") or timedelta(days=7)
        await flush()
        metrics = await compute(
            ctx.db,
            ctx.event.community,
            ctx.clock.now() + timedelta(seconds=1),
            period.total_seconds() / 86400,
        )
        await ctx.reply(report.headline(ctx.t, metrics, period), ephemeral=True)

    def report_job(community: CommunityRef, channel: str) -> Callable[[datetime], Awaitable[None]]:
        async def run(slot: datetime) -> None:
            await flush()
            t, _ = services.locale_for(community)
            message = await report.weekly_report(services.db, community, slot, t)
            await services.port_for(community).send(ChannelRef(community, channel), message)

        return run

    for key, channel in settings.channels.items():
        community = CommunityRef.parse(key)
        _, tz = services.locale_for(community)
        trigger = weekly_trigger(settings.day, settings.at, tz)
        services.scheduler.add_recurring(
            f"digest.{key}", trigger, digest_job(community, channel), catch_up=max_late
        )
    for key, channel in settings.report_channels.items():
        community = CommunityRef.parse(key)
        _, tz = services.locale_for(community)
        trigger = weekly_trigger(settings.day, settings.at, tz)
        services.scheduler.add_recurring(
            f"digest.report.{key}", trigger, report_job(community, channel), catch_up=max_late
        )

    registry.command(DIGEST, on_digest)
    registry.command(STATS, on_stats)
    registry.button(STEP, on_step)
    registry.button(HERO, on_hero)
