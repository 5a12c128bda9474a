"""The cost of one message at the platforms' maximum length, against an ordinary message.

Usage: python benchmarks/long_messages.py [--rounds N] [--length CHARS]

Every per-message path runs: the example config with every feature (moderation's stop words
and limits, the FAQ with the semantic matcher when installed, welcome, digest roll-up, event
log), on the console platform, SQLite on disk. Each round posts one ordinary question
(about 60 characters, the baseline) and one message of ``--length`` characters (default 4,096,
Telegram's maximum) that also reads as a question, from members who take turns so no flood
limit fires. Printed: the median time per message of each kind, their ratio against the goal
(at most 10x), and the peak traced memory of one long message.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import load_config
from bot.core.clock import FakeClock

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 27, 10, tzinfo=UTC)
WORDS = [
    "how",
    "do",
    "I",
    "reset",
    "my",
    "password",
    "when",
    "the",
    "link",
    "does",
    "not",
    "arrive",
    "and",
    "the",
    "spam",
    "folder",
    "is",
    "empty",
    "где",
    "найти",
    "настройки",
    "профиля",
    "и",
    "почему",
    "не",
    "приходит",
    "письмо",
    "ქართული",
    "ენა",
]
GOAL = 10.0


def long_question(length: int, seed: int) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(WORDS))
    return ("how do I " + " ".join(words))[: length - 1] + "?"


async def measure(rounds: int, length: int, folder: Path) -> tuple[list[float], list[float], int]:
    config = load_config(ROOT / "config.example.toml")
    clock = FakeClock(START)
    app = BotApp(config, clock=clock, database_url=f"sqlite+aiosqlite:///{folder / 'b.sqlite3'}")
    await app.start()
    platform: ConsolePlatform = app.console_platform()
    short: list[float] = []
    long: list[float] = []
    peak = 0
    try:
        await platform.post("warmup", "help", "how do I reset my password?")  # loads the model
        for n in range(rounds):
            clock.set(START + timedelta(minutes=n + 1))
            begin = time.perf_counter()
            await platform.post(f"a{n}", "help", f"how do I change my nickname, number {n}?")
            short.append(time.perf_counter() - begin)
            text = long_question(length, n)
            if n == rounds - 1:
                gc.collect()
                tracemalloc.start()
            begin = time.perf_counter()
            await platform.post(f"b{n}", "help", text)
            long.append(time.perf_counter() - begin)
            if n == rounds - 1:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
    finally:
        await app.close()
    return short, long, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--length", type=int, default=4096)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        short, long, peak = asyncio.run(measure(args.rounds, args.length, Path(tmp)))
    ordinary = statistics.median(short)
    longest = statistics.median(long)
    ratio = longest / ordinary
    print(f"ordinary question (baseline): {ordinary * 1000:8.2f} ms per message (median)")
    print(f"{args.length:,}-character message:  {longest * 1000:8.2f} ms per message (median)")
    print(f"ratio:                        {ratio:8.1f}x")
    print(f"peak traced memory (one long message): {peak / 2**20:.1f} MiB")
    print(f"goal <= {GOAL:g}x: {'met' if ratio <= GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
