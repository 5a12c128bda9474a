"""Scheduled work goes to a process connected to its platform: Telegram workers and Discord
clusters share one database, and neither fails (nor uses up retries) on the other's work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from bot.storage import schema


@pytest.fixture
async def two(
    example_config: Config, clock: FakeClock, db_url: str
) -> AsyncIterator[tuple[BotApp, BotApp]]:
    """``connected`` has the console platform; ``elsewhere`` (say, a Discord cluster) not."""
    connected = BotApp(example_config, clock=clock, database_url=db_url)
    elsewhere = BotApp(example_config, clock=clock, database_url=db_url)
    await connected.start()
    await elsewhere.start()
    yield connected, elsewhere
    await elsewhere.close()
    await connected.close()


async def rows(app: BotApp) -> list[dict[str, object]]:
    async with app.db.read() as conn:
        found = (await conn.execute(select(schema.deadlines))).mappings().all()
    return [dict(row) for row in found]


async def test_a_deadline_waits_for_a_process_on_its_platform(two: tuple[BotApp, BotApp]) -> None:
    connected, elsewhere = two
    platform = connected.console_platform()
    await platform.post("alice", "general", "/poll 1h Lunch? | Pizza | Pasta")
    [row] = await rows(connected)
    assert row["platform"] == "console"
    due = connected.clock.now() + timedelta(hours=1, minutes=1)
    await elsewhere.scheduler.advance_to(due)  # not connected to the console: leaves it
    [row] = await rows(connected)
    assert row["done_at"] is None and row["attempts"] == 0 and row["claimed_by"] is None
    assert await elsewhere.scheduler.next_due() != row["due_at"]  # not its work
    await connected.scheduler.advance_to(due)
    [row] = await rows(connected)
    assert row["done_at"] is not None and row["attempts"] == 1
    assert "Turnout: 0 voters" in "\n".join(platform.transcript[-3:])  # closed, here


async def test_a_recurring_job_runs_where_its_platform_is(
    two: tuple[BotApp, BotApp],
) -> None:
    connected, elsewhere = two
    digest = connected.scheduler._recurring["digest.console:console"]
    assert digest.platform == "console"
    slot = digest.next_slot
    assert slot is not None
    await elsewhere.scheduler.advance_to(slot + timedelta(minutes=1))
    async with elsewhere.db.read() as conn:
        claims = (await conn.execute(select(schema.job_runs))).mappings().all()
    assert not [c for c in claims if c["job"] == "digest.console:console"]
    platform = connected.console_platform()
    await connected.scheduler.advance_to(slot + timedelta(minutes=2))
    async with connected.db.read() as conn:
        claims = (await conn.execute(select(schema.job_runs))).mappings().all()
    [claim] = [c for c in claims if c["job"] == "digest.console:console"]
    assert claim["claimed_by"] == connected.scheduler.owner and claim["done_at"] is not None
    assert platform.transcript  # the digest went out, from the connected process
