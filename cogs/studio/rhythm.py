"""``/calendar`` (the next 14 days per channel, with rhythm warnings) and help routes (a
member's message touching a sensitive topic gets its disclaimer and where to find help)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from datetime import time as clock_time
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import MessagePosted
from bot.core.feature import command, on
from bot.core.ids import CommunityRef
from bot.core.permissions import Level
from bot.i18n import Translator
from bot.scheduler import weekly_trigger
from cogs.studio.checklist import touched_routes
from cogs.studio.posts import StudioPosts
from cogs.studio.rollout import Step, rollout
from cogs.studio.tables import StoredPost

CALENDAR = CommandSpec("calendar", "studio.cmd.calendar", level=Level.HELPER)
SETUP = CommandSpec("setup", "studio.cmd.setup", level=Level.MODERATOR)
DAYS = 14
ROUTE_AGAIN = timedelta(days=1)
"""A member hears a route's disclaimer at most once a day."""
MAX_TOLD = 50_000
"""(member, route) pairs remembered for that (the oldest forgotten first)."""


def rhythm_warnings(
    scheduled: list[StoredPost], heavy_gap: timedelta, silent: timedelta
) -> list[tuple[str, str, dict[str, object]]]:
    """(channel, key, values): heavy posts too close together, and long silences."""
    found: list[tuple[str, str, dict[str, object]]] = []
    by_channel: dict[str, list[StoredPost]] = {}
    for post in scheduled:
        for name in post.channel_list:
            by_channel.setdefault(name, []).append(post)
    for name, planned in sorted(by_channel.items()):
        planned.sort(key=lambda p: p.publish_at or p.created_at)
        for before, after in pairwise(planned):
            if not (before.publish_at and after.publish_at):
                continue
            gap = after.publish_at - before.publish_at
            pair: dict[str, object] = {"first": before.id, "second": after.id}
            if before.heavy and after.heavy and gap < heavy_gap:
                found.append((name, "studio.heavy_close", pair))
            if silent and gap >= silent:
                found.append((name, "studio.silence", {**pair, "count": gap.days}))
    return found


CLASH = timedelta(hours=2)
"""A post this close to the digest or an AMA in the same channel competes with it."""


def rituals(
    config: Config, community: CommunityRef, start: datetime, end: datetime, zone: ZoneInfo
) -> list[tuple[datetime, str, str, str]]:
    """(when, channel, kind, label) of the weekly digest and weekly AMAs in ``[start, end)``."""
    planned: list[tuple[str, str, str, clock_time, str]] = []
    digest = getattr(config, "digest", None) if "digest" in config.features.enabled else None
    if digest is not None and community in digest.channels:
        planned.append((digest.channels[community], "digest", digest.day, digest.at, ""))
    ama = getattr(config, "ama", None) if "ama" in config.features.enabled else None
    for entry in getattr(ama, "weekly", ()) if ama is not None else ():
        if entry.community == community:
            planned.append((entry.channel, "ama", entry.day, entry.opens_at, entry.topic))
    found = []
    for channel, kind, day, at, label in planned:
        trigger = weekly_trigger(day, at, zone)
        moment = trigger.get_next_fire_time(None, start)
        while moment is not None and moment < end:
            found.append((moment, channel, kind, label))
            moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return sorted(found)


def setup_text(t: Translator, steps: list[Step]) -> str:
    done = sum(step.done for step in steps)
    lines = [t("studio.setup_head", done=done, total=len(steps))]
    for step in steps:
        mark = "✅" if step.done else "⬜"
        lines.append(t("studio.setup_line", mark=mark, weeks=step.weeks,
                       step=t(f"studio.setup.{step.key}"), doc=step.doc))  # fmt: skip
    return "\n".join(lines)


class StudioRhythm(StudioPosts):
    """The calendar and the help routes."""

    @command(CALENDAR)
    async def calendar(self, ctx: Context) -> None:
        await ctx.reply(await self.calendar_text(ctx.event.community, ctx.clock.now()),
                        ephemeral=True)  # fmt: skip

    async def calendar_text(self, community: CommunityRef, now: datetime) -> str:
        """The next ``DAYS`` days: planned posts, the digest and AMA beside them, warnings."""
        t, tz = self.locale_for(community)
        until = now + timedelta(days=DAYS)
        planned = [
            p for p in await self.store.listing(community, ("scheduled",))
            if p.publish_at is not None and p.publish_at <= until
        ]  # fmt: skip
        if not planned and not rituals(self.config, community, now, until, tz):
            return t("studio.calendar_empty", days=DAYS)
        lines = [t("studio.calendar_head", days=DAYS)]
        for post in planned:
            assert post.publish_at is not None
            mark = " 📚" if post.heavy else ""
            lines.append(t("studio.calendar_line", when=t.datetime(post.publish_at, tz),
                           channels=", ".join("#" + c for c in post.channel_list), post=post.id,
                           title=self.body_of(post).split("\n")[0][:60]) + mark)  # fmt: skip
        for when, channel, kind, label in rituals(self.config, community, now, until,
                                                  tz):  # fmt: skip
            lines.append(t(f"studio.calendar_{kind}", when=t.datetime(when, tz),
                           channel=channel, topic=label))  # fmt: skip
            for post in planned:
                close = post.publish_at is not None and abs(post.publish_at - when) < CLASH
                if close and channel in post.channel_list:
                    lines.append("⚠️ " + t(f"studio.clash_{kind}", post=post.id, channel=channel))
        gap = timedelta(hours=self.settings.heavy_gap_hours)
        silent = timedelta(days=self.settings.silent_days)
        for channel, key, values in rhythm_warnings(planned, gap, silent):
            lines.append("⚠️ " + t(key, channel=channel, **values))
        return "\n".join(lines)

    @command(SETUP)
    async def setup(self, ctx: Context) -> None:
        """The 60-day rollout: what this community has, and what is next."""
        await ctx.reply(setup_text(ctx.t, rollout(self.config, ctx.event.community)),
                        ephemeral=True)  # fmt: skip

    @on(MessagePosted)
    async def help_route(self, ctx: Context) -> None:
        """A member's message touching a sensitive topic gets the route's disclaimer and help
        links (once a day per member and topic)."""
        event = ctx.event
        assert isinstance(event, MessagePosted)
        if event.author.is_bot or not self.settings.help_routes:
            return
        only = self.settings.route_channels.get(event.community)
        if only and event.channel.id not in only:
            return
        touched = touched_routes(event.content, self.settings.help_routes)
        if not touched:
            return
        told: OrderedDict[tuple[str, str, str], datetime] = self.__dict__.setdefault(
            "_told", OrderedDict()
        )
        now = ctx.clock.now()  # the community's clock (simulate's too), not the process's
        for route in touched:
            key = (str(event.community), event.author.ref.id, route.name)
            last = told.get(key)
            if last is not None and now - last < ROUTE_AGAIN:
                continue
            told[key] = now
            told.move_to_end(key)
            if len(told) > MAX_TOLD:
                told.popitem(last=False)
            links = "\n".join(route.links)
            await ctx.reply(ctx.t("studio.route", disclaimer=route.disclaimer, links=links))
