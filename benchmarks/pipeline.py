"""Messages per second through dispatcher, middleware and event log (SQLite on disk).

Usage: python benchmarks/pipeline.py [--messages N]

Compares, in the same run:
* ``batched`` - the bot's pipeline: event log rows written in batches (default 500);
* ``per-event commit`` (baseline) - the same pipeline writing one transaction per event,
  the naive design the batching replaces.
Peak memory is measured with tracemalloc in a separate, smaller pass.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.context import Context
from bot.core.events import Actor, MessagePosted
from bot.core.ids import MemberRef, MessageRef, Platform
from bot.core.registry import Next

START = datetime(2026, 11, 27, 10, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def make_events(platform: ConsolePlatform, count: int) -> list[MessagePosted]:
    channel = platform.channel("general")
    # 5,000 members taking turns, one message every 10 ms: a busy chat, but no one floods.
    actors = [Actor(MemberRef(Platform.CONSOLE, f"m{i}"), f"m{i}") for i in range(5000)]
    return [
        MessagePosted(
            community=platform.community,
            occurred_at=START + timedelta(milliseconds=10 * n),
            channel=channel,
            message=MessageRef(channel, str(n)),
            author=actors[n % len(actors)],
            content=f"message number {n} with some ordinary words in it",
        )
        for n in range(count)
    ]


async def run(
    count: int, batch_size: int, folder: Path, features: list[str] | None = None
) -> tuple[float, int]:
    """Returns (seconds, events written)."""
    settings: dict[str, object] = {
        "eventlog": {"batch_size": batch_size, "flush_interval_seconds": 60}
    }
    if features is not None:
        root = ROOT
        settings["features"] = {"enabled": features}
        settings["content"] = {
            "rules": str(root / "rules"),
            "faq": str(root / "faq"),
            "quizzes": str(root / "quizzes"),
        }
    config = Config.model_validate(settings)
    database = folder / f"bench-{batch_size}.sqlite3"
    clock = FakeClock(START)
    app = BotApp(config, clock=clock, database_url=f"sqlite+aiosqlite:///{database}")
    await app.start()

    async def moderation_like(ctx: Context, call_next: Next) -> None:
        # Stands in for a middleware that looks at every message before the features.
        if ctx.event.text and "forbidden" in ctx.event.text:
            return
        await call_next()

    app.registry.add_middleware(100, moderation_like, name="bench")
    platform = app.console_platform()
    events = make_events(platform, count)
    gc.collect()
    elapsed = await dispatch_all(app, platform, events)
    written = app.eventlog.written
    await app.close()
    return elapsed, written


async def dispatch_all(
    app: BotApp, platform: ConsolePlatform, events: list[MessagePosted]
) -> float:
    """Seconds to dispatch ``events`` in order on the app's fake clock, the log written."""
    clock = app.clock
    assert isinstance(clock, FakeClock)
    started = time.perf_counter()
    for event in events:
        clock.set(event.occurred_at)
        await app.dispatcher.dispatch(event, platform)
    await app.eventlog.flush()
    return time.perf_counter() - started


async def peak_memory(count: int, folder: Path) -> int:
    tracemalloc.start()
    await run(count, 500, folder)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--baseline-messages", type=int, default=5_000)
    parser.add_argument(
        "--all-features",
        action="store_true",
        help="also measure with every shipped feature loaded (real moderation on each message)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ours, written = asyncio.run(run(args.messages, 500, folder))
        assert written == args.messages, (written, args.messages)
        base, base_written = asyncio.run(run(args.baseline_messages, 1, folder))
        assert base_written == args.baseline_messages
        peak = asyncio.run(peak_memory(min(args.messages, 20_000), folder))
        full = None
        if args.all_features:
            from bot.features import catalog

            full, _ = asyncio.run(run(args.messages, 500, folder, list(catalog())))
    ours_rate = args.messages / ours
    base_rate = args.baseline_messages / base
    print(
        f"batched (batch 500):       {ours_rate:10,.0f} messages/s"
        f"  ({args.messages:,} messages in {ours:.2f} s)"
    )
    print(
        f"per-event commit baseline: {base_rate:10,.0f} messages/s"
        f"  ({args.baseline_messages:,} messages in {base:.2f} s)"
    )
    print(f"speed-up over baseline:    {ours_rate / base_rate:10.1f}x")
    print(
        f"peak traced memory:        {peak / 2**20:10.1f} MiB"
        f" (20,000 events prepared in memory and dispatched)"
    )
    if full is not None:
        print(
            f"with every feature loaded: {args.messages / full:10,.0f} messages/s"
            f"  (real moderation: stop words, flood limits)"
        )
    if full is None:
        print("goal >= 5,000 messages/s with every feature: run with --all-features")
    else:
        rate = args.messages / full
        print(
            f"goal >= 5,000 messages/s with every feature: {'met' if rate >= 5000 else 'NOT MET'}"
        )


if __name__ == "__main__":
    main()
