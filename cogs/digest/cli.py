"""``community-bot digest preview`` and ``community-bot stats export``."""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime, timedelta
from pathlib import Path

from bot.adapters.console.simulate import CLOCK_KEY
from bot.config import Config
from bot.core.clock import SystemClock
from bot.core.ids import CommunityRef
from bot.i18n import translator
from bot.storage.database import Database
from cogs.digest.compose import build_digest
from cogs.digest.hero import HeroRules
from cogs.digest.metrics import compute
from cogs.roles.stats import communities

EXIT_OK = 0
EXIT_USAGE = 2


def database_url(config: Config, database: str | None) -> str:
    if not database:
        return config.database_url()
    return database if "://" in database else f"sqlite+aiosqlite:///{Path(database).resolve()}"


async def _open(url: str) -> Database:
    db = Database(url)
    await db.migrate()
    return db


async def _now(db: Database) -> datetime:
    """Now, or where the simulation that wrote this database stopped (its clock is the truth)."""
    simulated = await db.get_meta(CLOCK_KEY)
    now = datetime.fromisoformat(simulated) if simulated else SystemClock().now()
    return now + timedelta(seconds=1)  # what happened at this very instant counts


async def _communities(db: Database, config: Config, community: str | None) -> list[CommunityRef]:
    if community:
        return [CommunityRef.parse(community)]
    found = await communities(db, (await _now(db)) - timedelta(days=365 * 5))
    configured = [CommunityRef.parse(key) for key in config.digest.channels]
    return sorted(set(found) | set(configured), key=str)


async def digest_preview(config: Config, url: str, community: str | None) -> int:
    """Print the digest each community would get now (the last 7 days)."""
    db = await _open(url)
    try:
        now = await _now(db)
        targets = await _communities(db, config, community)
        if not targets:
            print("no community in the database yet", file=sys.stderr)
            return EXIT_OK
        rules = HeroRules(config.digest.new_member_hours, config.digest.min_points)
        for target in targets:
            t = translator(config.community.locale_for(target))
            tz = config.community.timezone_for(target)
            digest = await build_digest(
                db, target, now, t, tz, community_name=config.community.name, rules=rules
            )
            print(f"== {target} · {digest.week}")
            if digest.empty:
                print(t("digest.preview_empty"))
                continue
            print(digest.body().plain())
            print(" ".join(f"[{b.label}]" for b in digest.buttons))
            if digest.ranking:
                print("-- hero ranking (points):")
                for score in digest.ranking[:5]:
                    print(f"   {score.member}: {score.points:g}")
        return EXIT_OK
    finally:
        await db.close()


async def stats_export(
    config: Config, url: str, community: str | None, weeks: int, out: Path | None
) -> str | None:
    """One CSV row per community and week: every count and rate of ``Metrics``."""
    db = await _open(url)
    try:
        now = await _now(db)
        buffer = io.StringIO()
        writer: csv.DictWriter[str] | None = None
        for target in await _communities(db, config, community):
            for back in range(weeks - 1, -1, -1):
                metrics = await compute(db, target, now - timedelta(weeks=back), 7)
                row = {"community": str(target), **metrics.as_row()}
                if writer is None:
                    writer = csv.DictWriter(buffer, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
        return buffer.getvalue()
    finally:
        await db.close()
