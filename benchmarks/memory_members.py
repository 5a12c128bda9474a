"""Memory while 200,000 distinct members post: it must level off, not grow with them.

Usage: python benchmarks/memory_members.py [--members N] [--every SECONDS]

The example config with every feature (the lexical FAQ, to keep the run short), the console
platform, SQLite on disk, a simulated clock: each member posts once, one message every
``--every`` simulated seconds (default 0.5: 200,000 members over 28 hours), so per-member state
kept by time (flood limits: an hour) and by size (the event log's caches, voters' names,
Telegram's usernames) has to let go. Printed: traced memory after every 25,000 members.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import BotApp
from bot.config import load_config
from bot.core.clock import FakeClock
from cogs.faq import Faq

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 27, 10, tzinfo=UTC)


async def run(members: int, every: float, step: int, folder: Path) -> list[tuple[int, float]]:
    config = load_config(ROOT / "config.example.toml")
    config = config.with_section("faq", Faq.settings_from(config).updated(matcher="lexical"))
    clock = FakeClock(START)
    app = BotApp(config, clock=clock, database_url=f"sqlite+aiosqlite:///{folder / 'm.sqlite3'}")
    await app.start()
    platform = app.console_platform()
    points: list[tuple[int, float]] = []
    tracemalloc.start()
    try:
        for n in range(members):
            clock.set(START + timedelta(seconds=every * n))
            await platform.post(f"member{n}", "general", f"hello from member {n}")
            if (n + 1) % step == 0:
                await app.eventlog.flush()
                # The console stands in for the chat platform: its own history is not the bot's.
                for kept in (platform.transcript, platform.messages, platform.actions,
                             platform.members, platform._last_post):  # fmt: skip
                    kept.clear()
                gc.collect()
                points.append((n + 1, tracemalloc.get_traced_memory()[0] / 2**20))
    finally:
        tracemalloc.stop()
        await app.close()
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--every", type=float, default=0.5)
    parser.add_argument("--step", type=int, default=25_000, help="members between readings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        points = asyncio.run(run(args.members, args.every, args.step, Path(tmp)))
    for count, mib in points:
        print(f"after {count:>7,} members: {mib:6.1f} MiB traced")
    if len(points) >= 4:
        half = len(points) // 2
        first, second = max(m for _, m in points[:half]), max(m for _, m in points[half:])
        print(f"peak, first half: {first:.1f} MiB; second half: {second:.1f} MiB"
              f" ({'flat' if second <= first * 1.1 + 2 else 'GROWING'})")  # fmt: skip


if __name__ == "__main__":
    main()
