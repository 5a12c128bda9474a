"""Which digest comes next, and composing it the same way for posting and for previews.

A preview (``/digest preview``, ``community-bot digest preview``) must show what the scheduled
digest will post: the same window (the week ending at the next slot in the community's time
zone), the same ranking, the same rotation and moderators' hero decision.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.ids import CommunityRef
from bot.i18n import Translator
from bot.scheduler import weekly_trigger
from bot.storage.database import Database
from cogs.digest.compose import Digest, build_digest, week_key
from cogs.digest.hero import HeroRules
from cogs.digest.settings import DigestSettings
from cogs.digest.store import DigestStore


def slots_around(
    settings: DigestSettings, tz: ZoneInfo, now: datetime
) -> tuple[datetime, datetime]:
    """The last slot at or before ``now`` and the first one after it."""
    trigger = weekly_trigger(settings.day, settings.at, tz)
    previous = trigger.get_next_fire_time(None, now - timedelta(days=8))
    while True:
        following = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
        if following > now:
            return previous, following
        previous = following


async def next_slot(
    store: DigestStore,
    settings: DigestSettings,
    community: CommunityRef,
    tz: ZoneInfo,
    now: datetime,
) -> datetime:
    """The slot of the next digest this community will get: the one just passed while it can
    still go out (within ``max_late``, not posted yet), else the next one."""
    previous, following = slots_around(settings, tz, now)
    late = settings.max_late or timedelta(0)
    if now - previous <= late and not await store.posted(community, week_key(previous, tz)):
        return previous
    return following


async def compose(
    db: Database,
    store: DigestStore,
    settings: DigestSettings,
    community: CommunityRef,
    end: datetime,
    t: Translator,
    tz: ZoneInfo,
    *,
    community_name: str,
    final: bool,
) -> Digest:
    """The digest of the week ending at ``end``, as it will be posted."""
    week = week_key(end, tz)
    override = await store.hero_decision(community, week) if settings.hero_confirm else None
    excluded: set[str] = set()
    if settings.rotation_weeks:
        since = end - timedelta(weeks=settings.rotation_weeks, days=1)
        excluded = await store.recent_heroes(community, since)
    if settings.hero_confirm and final and override is None:
        override = ("skipped", None)  # nobody confirmed in time
    return await build_digest(
        db,
        community,
        end,
        t,
        tz,
        community_name=community_name,
        rules=HeroRules(settings.new_member_hours, settings.min_points),
        hero_override=override,
        excluded_heroes=excluded,
        topic=await store.topic(community),
    )
