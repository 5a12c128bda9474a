"""Every metric window is [start, end) to the second, in the community's wall-clock time: the
roll-up's whole days and the events at the window's edges give what counting every event
would."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.core.ids import CommunityRef, Platform
from bot.storage import schema
from bot.storage.eventlog import day_flags
from cogs.digest.metrics import compute, window_start

CONSOLE = CommunityRef(Platform.CONSOLE, "console")


async def counted_from_every_event(app: BotApp, since: datetime, end: datetime) -> tuple[int, int]:
    events = schema.events
    posted: set[str] = set()
    engaged: set[str] = set()
    async with app.db.read() as conn:
        rows = await conn.execute(
            select(events.c.kind, events.c.member, events.c.target, events.c.actor_class).where(
                events.c.occurred_at >= since, events.c.occurred_at < end
            )
        )
        for kind, member, target, klass in rows:
            if klass != "member" or member is None:
                continue
            p, e = day_flags(kind, member, {"message_author": target})
            if e:
                engaged.add(member)
            if p:
                posted.add(member)
    return len(posted), len(engaged)


async def test_windows_match_counting_every_event(app: BotApp, platform: ConsolePlatform) -> None:
    rng = random.Random(11)
    members = [f"m{n}" for n in range(12)]
    for _ in range(90):
        await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=rng.randrange(20, 600)))
        member = rng.choice(members)
        if rng.random() < 0.6:
            await platform.post(member, "general", f"note {rng.random():.4f}")
        else:
            await platform.react(member, "👍", rng.choice(members))
    await app.eventlog.flush()
    tbilisi = ZoneInfo("Asia/Tbilisi")
    for _ in range(6):
        end = app.clock.now() - timedelta(minutes=rng.randrange(0, 60 * 24 * 10))
        metrics = await compute(app.db, CONSOLE, end, 7, tbilisi)
        week = await counted_from_every_event(app, window_start(end, 7), end)
        month = await counted_from_every_event(app, window_start(end, 28), end)
        assert (metrics.communicators_7d, metrics.engaged_7d) == week
        assert (metrics.communicators_28d, metrics.engaged_28d) == month
        half_day = await compute(app.db, CONSOLE, end, 0.5)
        assert (half_day.communicators, half_day.engaged) == await counted_from_every_event(
            app, end - timedelta(hours=12), end
        )


async def test_a_post_just_outside_the_week_counts_nowhere(
    app: BotApp, platform: ConsolePlatform
) -> None:
    long_text = "a useful explanation " * 12  # a post worth reading (200+ characters)
    await platform.post("old", "general", long_text)
    posted_at = app.clock.now()
    await app.scheduler.advance_to(posted_at + timedelta(minutes=2))
    await platform.post("new", "general", long_text)
    await app.eventlog.flush()
    end = posted_at + timedelta(days=7, minutes=1)  # "old" 7 days and 1 minute ago
    metrics = await compute(app.db, CONSOLE, end, 7)
    assert metrics.communicators_7d == 1 and metrics.ugc_items == 1
    assert metrics.start == end - timedelta(days=7) and metrics.end.tzinfo == UTC


def test_a_week_is_counted_on_the_wall_clock_across_a_clock_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    end = datetime(2026, 3, 30, 8, tzinfo=UTC)  # Monday 10:00, summer time
    assert window_start(end, 7, berlin) == datetime(2026, 3, 23, 9, tzinfo=UTC)  # 10:00 winter
