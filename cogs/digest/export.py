"""The weekly figures ``stats export`` writes and the dashboard shows: one row per community
and digest week, every count and rate (with the desk's and the ideas' when they are on)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Config
from bot.core.ids import CommunityRef
from bot.storage.database import Database
from cogs.desk.api import desk_figures
from cogs.digest import upcoming
from cogs.digest.metrics import compute
from cogs.digest.report import week_ends
from cogs.digest.settings import DigestSettings
from cogs.ideas.api import ideas_figures


async def weekly_rows(
    db: Database, config: Config, target: CommunityRef, weeks: int, now: datetime
) -> list[dict[str, str]]:
    """The digest's weeks (ending at its slots, in the community's time zone), oldest first;
    the last row is the week in progress (what the next digest will cover)."""
    settings = config.section("digest", DigestSettings)
    tz = config.community.timezone_for(target)
    _, following = upcoming.slots_around(settings, tz, now)
    rows: list[dict[str, str]] = []
    for week_end in week_ends(following, weeks, tz):
        start = week_end - timedelta(days=7)
        metrics = await compute(db, target, week_end, 7, tz)
        row = {"community": str(target), **{k: str(v) for k, v in metrics.as_row().items()}}
        if "desk" in config.features.enabled:
            row.update((await desk_figures(db, config, target, start, week_end, now)).as_row())
        if "ideas" in config.features.enabled:
            row.update((await ideas_figures(db, target, start, week_end)).as_row())
        row["complete"] = "yes" if week_end <= now else "no"
        rows.append(row)
    return rows
