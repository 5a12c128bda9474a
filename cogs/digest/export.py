"""The weekly figures ``stats export`` writes and the dashboard shows: one row per community
and digest week, every count and rate (with the desk's and the ideas' when they are on)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from bot.config import Config
from bot.core.ids import CommunityRef
from bot.storage.database import Database
from cogs.desk.api import desk_figures
from cogs.digest import upcoming
from cogs.digest.metrics import compute
from cogs.digest.report import week_ends
from cogs.digest.settings import DigestSettings
from cogs.ideas.api import ideas_figures_by_period

Rows = OrderedDict[tuple[str, str], dict[str, str]]
"""Complete weeks' rows already computed, by (community, week end): they no longer change."""
KEPT = 5_000
SETTLED = timedelta(days=1)
"""A week is kept once it ended this long ago (Telegram delivers late updates up to a day)."""


async def weekly_rows(
    db: Database,
    config: Config,
    target: CommunityRef,
    weeks: int,
    now: datetime,
    done: Rows | None = None,
) -> list[dict[str, str]]:
    """The digest's weeks (ending at its slots, in the community's time zone), oldest first;
    the last row is the week in progress (what the next digest will cover). ``done`` keeps
    complete weeks between calls (a running bot's pages ask again and again)."""
    settings = config.section("digest", DigestSettings)
    tz = config.community.timezone_for(target)
    _, following = upcoming.slots_around(settings, tz, now)
    ends = week_ends(following, weeks, tz)
    kept: Rows = done if done is not None else OrderedDict()

    def key(end: datetime) -> tuple[str, str]:
        return (str(target), end.isoformat())

    missing = [end for end in ends if key(end) not in kept]
    ideas = (
        await ideas_figures_by_period(db, target, [(e - timedelta(days=7), e) for e in missing])
        if "ideas" in config.features.enabled and missing else []
    )  # fmt: skip
    computed: dict[datetime, dict[str, str]] = {}
    for n, week_end in enumerate(missing):
        start = week_end - timedelta(days=7)
        metrics = await compute(db, target, week_end, 7, tz)
        row = {"community": str(target), **{k: str(v) for k, v in metrics.as_row().items()}}
        if "desk" in config.features.enabled:
            row.update((await desk_figures(db, config, target, start, week_end, now)).as_row())
        if ideas:
            row.update(ideas[n].as_row())
        row["complete"] = "yes" if week_end <= now else "no"
        computed[week_end] = row
        if week_end <= now - SETTLED:
            kept[key(week_end)] = row
            while len(kept) > KEPT:
                kept.popitem(last=False)
    return [computed.get(end) or kept[key(end)] for end in ends]
