"""Ideas hot paths on a big board: a vote (toggle, card edited with the board's vote counts)
and the near-duplicate check before an idea is posted.

Usage: python benchmarks/ideas.py [--ideas N] [--votes N] [--small N]

What runs (seed 3, data made here): a community with ``--ideas`` open ideas (titles built from a
vocabulary, each with 0-30 votes) in a SQLite file, the real ``BotApp`` on the console platform.
Timed: ``--votes`` vote toggles through the dispatcher (bindings check, vote, card edited with
the board's most-voted count), against the same on a board of ``--small`` ideas (the baseline:
how much a big board costs a vote); and the near-duplicate check of a new idea against the
open board (word stems; the meaning model is used only if installed, timed warm — its vectors
are cached after the first call). Goals: a vote under 20 ms at 2,000 open ideas, and not much
dearer than on a small board; the check under 300 ms warm.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import BotApp  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.core.clock import FakeClock  # noqa: E402
from bot.core.events import ButtonPressed  # noqa: E402
from bot.core.ids import Platform  # noqa: E402
from cogs.ideas import Ideas  # noqa: E402
from cogs.ideas.tables import ideas as ideas_table  # noqa: E402
from cogs.ideas.tables import votes as votes_table  # noqa: E402

WORDS = (
    "dark",
    "theme",
    "export",
    "csv",
    "pdf",
    "search",
    "archive",
    "offline",
    "mode",
    "calendar",
    "reminders",
    "weekly",
    "office",
    "hours",
    "mobile",
    "app",
    "notifications",
    "digest",
    "badges",
    "roles",
    "onboarding",
    "guide",
    "video",
    "subtitles",
    "keyboard",
    "shortcuts",
    "api",
    "webhook",
    "integration",
    "slack",
    "github",
    "sync",
    "backup",
    "privacy",
)
START = datetime(2026, 12, 7, 10, tzinfo=UTC)


async def board(size: int, votes: int, folder: Path) -> tuple[float, float]:
    """(ms per vote, ms per near-duplicate check) on a board of ``size`` open ideas."""
    rng = random.Random(3)
    config = load_config(ROOT / "config.example.toml")
    url = f"sqlite+aiosqlite:///{folder / f'ideas{size}.sqlite3'}"
    app = BotApp(config, clock=FakeClock(START), database_url=url)
    platform = app.console_platform()  # connected first: jobs due at the start can post
    await app.start()
    try:
        rows = [
            {"platform": "console", "community": "console", "author": f"m{n % 300}",
             "author_name": f"m{n % 300}", "title": " ".join(rng.sample(WORDS, 4)),
             "details": "", "status": "new", "origin": "command", "channel": "ideas",
             "created_at": START}
            for n in range(size)
        ]  # fmt: skip
        async with app.db.transaction() as conn:
            await conn.execute(ideas_table.insert(), rows)
            votes_rows = [
                {"idea_id": idea, "member": f"v{k}", "at": START}
                for idea in range(1, size + 1) for k in range(rng.randrange(0, 30))
            ]  # fmt: skip
            if votes_rows:
                await conn.execute(votes_table.insert(), votes_rows)
        feature = app.services.registry.features["ideas"]
        assert isinstance(feature, Ideas)
        target = await feature.store.get(1)
        assert target is not None
        await feature.post_card(target)
        card = next(m for m in reversed(platform.messages.values()) if m.buttons)
        port = app.services.ports[Platform.CONSOLE]
        platform.say = lambda line: None  # type: ignore[method-assign]
        started = time.perf_counter()
        for n in range(votes):
            await app.dispatcher.dispatch(
                ButtonPressed(
                    community=platform.community, occurred_at=START, channel=card.ref.channel,
                    message=card.ref, member=platform.actor(f"voter{n % 50}"),
                    action="idea.vote", payload="1",
                ),
                port,
            )  # fmt: skip
        vote_ms = (time.perf_counter() - started) / votes * 1000
        await feature.similar(platform.community, "dark theme for the mobile app")  # warm-up
        started = time.perf_counter()
        checks = 5
        for _ in range(checks):
            await feature.similar(platform.community, "offline archive search for members")
        check_ms = (time.perf_counter() - started) / checks * 1000
        return vote_ms, check_ms
    finally:
        await app.close()


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        vote, check = await board(args.ideas, args.votes, Path(folder))
        if args.no_baseline:
            print(f"vote on a board of {args.ideas} ideas: {vote:.1f} ms")
            print(f"near-duplicate check, {args.ideas} ideas: {check:.1f} ms (warm)")
            return
        small_vote, small_check = await board(args.small, args.votes, Path(folder))
    print(f"vote on a board of {args.small} ideas (baseline): {small_vote:.1f} ms")
    print(f"vote on a board of {args.ideas} ideas: {vote:.1f} ms"
          f" ({vote / small_vote:.1f}x the small board)")  # fmt: skip
    print(f"near-duplicate check, {args.small} ideas: {small_check:.1f} ms;"
          f" {args.ideas} ideas: {check:.1f} ms (warm)")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=2_000)
    parser.add_argument("--votes", type=int, default=300)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--no-baseline", action="store_true", help="skip the small board")
    args = parser.parse_args(argv)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
