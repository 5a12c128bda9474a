"""What must behave the same on SQLite and PostgreSQL (run with BOT_TEST_DB=postgres for the
second): the platforms' longest names and ids stored whole, and several processes starting at
once on an empty database."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.events import Actor, MemberJoined
from bot.core.ids import MemberRef, Platform
from bot.storage import schema
from bot.storage.database import Database
from tests import conftest

TELEGRAM_NAME = "Ж" * 64 + " " + "名" * 64  # first and last name at Telegram's limits
SNOWFLAKE = str(2**63 - 1)  # the largest Discord id


async def test_the_longest_names_and_ids_are_stored_whole(
    example_config: Config, clock: FakeClock, db_url: str
) -> None:
    app = BotApp(example_config, clock=clock, database_url=db_url)
    platform = app.console_platform()
    await app.start()
    try:
        member = Actor(MemberRef(Platform.CONSOLE, SNOWFLAKE), TELEGRAM_NAME)
        await app.dispatcher.dispatch(
            MemberJoined(community=platform.community, occurred_at=clock.now(), member=member),
            app.services.ports[Platform.CONSOLE],
        )
        await app.services.flush_events()  # type: ignore[misc]
        async with app.db.read() as conn:
            members = schema.members
            query = select(members.c.member, members.c.name).where(members.c.member == SNOWFLAKE)
            stored = (await conn.execute(query)).first()
        assert stored is not None and tuple(stored) == (SNOWFLAKE, TELEGRAM_NAME)
    finally:
        await app.close()


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    if conftest.DATABASE != "postgres":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"empty_{uuid.uuid4().hex[:12]}"
    conftest._postgres(f'CREATE DATABASE "{name}"')
    try:
        yield conftest._postgres_url(name)
    finally:
        conftest._postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_five_processes_start_at_once_on_an_empty_database(empty_url: str) -> None:
    databases = [Database(empty_url) for _ in range(5)]
    try:
        revisions = await asyncio.gather(*(d.migrate() for d in databases))
    finally:
        await asyncio.gather(*(d.close() for d in databases))
    assert len(set(revisions)) == 1 and revisions[0] is not None


@pytest.mark.skipif(not os.environ.get("CI"), reason="CI must say which databases it covered")
def test_ci_runs_on_the_database_it_says() -> None:
    assert conftest.DATABASE in ("sqlite", "postgres")
