"""Per-member limits when several processes serve one community: counted in the database, so a
member whose messages are split between two processes meets one limit, not two."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Literal

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.ids import MemberRef
from bot.storage.database import Database
from bot.storage.shared_state import SharedState
from cogs.moderation.counters import SharedCounters
from cogs.moderation.limiter import Breach, Limits
from tests.conftest import SameDatabase, with_core

Where = Literal["auto", "one", "several"]


def limits_in(config: Config, where: Where) -> Config:
    return with_core(config, "storage", processes=where)


class Pair:
    """Two bot processes on one database, started with the given setting."""

    def __init__(self, config: Config, processes: SameDatabase) -> None:
        self.config, self.processes = config, processes
        self.apps: list[BotApp] = []

    async def start(self, where: Where) -> tuple[ConsolePlatform, ConsolePlatform]:
        self.apps = await self.processes.start(limits_in(self.config, where))
        return self.apps[0].console_platform(), self.apps[1].console_platform()


@pytest.fixture
def pair(example_config: Config, same_database: SameDatabase) -> Pair:
    return Pair(example_config, same_database)


def removed(*platforms: ConsolePlatform) -> int:
    return sum(action.kind == "delete" for p in platforms for action in p.actions)


async def test_a_flood_split_between_two_processes_is_one_flood(pair: Pair) -> None:
    a, b = await pair.start("several")
    for n in range(7):  # 6 messages in 10 s are allowed; the 7th breaks the limit
        await (a if n % 2 else b).post("bob", "general", f"message {n}")
    assert removed(a, b) == 1
    both = "\n".join(a.transcript + b.transcript)
    assert "more than 6 messages within 10 seconds" in both


async def test_counted_per_process_the_same_flood_passes(pair: Pair) -> None:
    """The contrast: what "one" allows (and why several processes must say so)."""
    a, b = await pair.start("one")
    for n in range(7):
        await (a if n % 2 else b).post("bob", "general", f"message {n}")
    assert removed(a, b) == 0


async def test_repeated_text_across_processes(pair: Pair) -> None:
    a, b = await pair.start("several")
    await a.post("carol", "general", "Buy now at the shop")
    await b.post("carol", "general", "buy NOW  at the shop")
    await a.post("carol", "general", "buy now at the shop")
    assert removed(a, b) == 1
    assert "the same message 3 times" in "\n".join(a.transcript + b.transcript)


async def test_slow_mode_set_in_one_process_holds_in_the_other(
    pair: Pair, clock: FakeClock
) -> None:
    a, b = await pair.start("several")
    await a.post("mod", "general", "/slowmode 30s 1h")
    clock.advance(timedelta(seconds=6))  # the other process reads the slow modes again
    await b.post("bob", "general", "first")
    await a.post("bob", "general", "second")
    assert removed(a, b) == 1
    assert "this channel is in slow mode" in "\n".join(a.transcript + b.transcript)
    await a.post("mod", "general", "/slowmode off")
    clock.advance(timedelta(seconds=6))
    await b.post("bob", "general", "free again")
    assert b.transcript[-1] == "#general bob: free again"


async def test_a_raid_split_between_two_processes_is_seen(pair: Pair) -> None:
    a, b = await pair.start("several")
    for n in range(10):  # 10 joins within 60 s start raid mode
        await (a if n % 2 else b).join(f"newcomer{n}")
    both = "\n".join(a.transcript + b.transcript)
    assert "Raid mode" in both or "raid mode" in both


async def test_concurrent_messages_meet_exactly_the_limit(db_url: str) -> None:
    """Two processes' connections judging one member's messages at once: none is lost."""
    first, second = Database(db_url), Database(db_url)
    states = [SharedState(first), SharedState(second)]
    try:
        counters = [SharedCounters(state, idle_seconds=3600) for state in states]
        limits = Limits(
            messages=10, per_seconds=60, duplicates=99, duplicate_seconds=1,
            mentions=5, links=3,
        )  # fmt: skip
        now = 1_800_000_000.0
        verdicts = await asyncio.gather(*(
            counters[n % 2].check(
                "x|general|bob", now + n / 1000, limits, text_hash=n + 1, mentions=0, links=0
            )
            for n in range(30)
        ))  # fmt: skip
        # Every 11th change breaks the limit and starts the count again: with a lost update
        # (two processes reading the same state) there would be fewer breaches.
        assert verdicts.count(Breach.RATE) == 2 and verdicts.count(None) == 28
    finally:
        for state in states:
            await state.close()
        await first.close()
        await second.close()


async def test_shared_counters_are_erased_with_the_member(pair: Pair) -> None:
    a, _ = await pair.start("several")
    await a.post("bob", "general", "hello")
    await a.post("bobby", "general", "hello")
    db = pair.apps[0].db
    assert await count_states(db) == 2
    erased = await pair.apps[0].forget_member(MemberRef(a.platform, "bob"))
    assert erased["shared counters"] == 1
    assert await count_states(db) == 1  # bobby's stays


async def count_states(db: Database) -> int:
    from sqlalchemy import func, select

    from bot.storage import schema

    count = select(func.count()).select_from(schema.shared_state)
    async with db.read() as conn:
        return int((await conn.execute(count)).scalar_one())


async def test_auto_shares_on_postgresql_only(example_config: Config, clock: FakeClock) -> None:
    on_sqlite = BotApp(limits_in(example_config, "auto"), clock=clock,
                       database_url="sqlite+aiosqlite:///:memory:")  # fmt: skip
    on_postgres = BotApp(limits_in(example_config, "auto"), clock=clock,
                         database_url="postgresql+asyncpg://bot@127.0.0.1:1/bot")  # fmt: skip
    forced = BotApp(limits_in(example_config, "several"), clock=clock,
                    database_url="sqlite+aiosqlite:///:memory:")  # fmt: skip
    try:
        assert on_sqlite.services.shared_limits is None
        assert on_postgres.services.shared_limits is not None
        assert forced.services.shared_limits is not None
    finally:
        for app in (on_sqlite, on_postgres, forced):
            await app.db.close()
