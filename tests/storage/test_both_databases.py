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


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("mysql+aiomysql://bot@127.0.0.1/bot", "'mysql' is not supported"),
        ("postgresql://bot@127.0.0.1/bot", "needs the async driver, postgresql+asyncpg://"),
        ("sqlite:///bot.sqlite3", "needs the async driver, sqlite+aiosqlite://"),
        ("postgresql+asyncpg://bot@127.0.0.1:1/bot", "cannot reach it"),
    ],
)
def test_check_names_storage_problems_in_one_line(
    url: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main
    from tests.conftest import example_config_in

    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        'database = "data/community-bot.sqlite3"', f"database = {url!r}", 1
    )
    config.write_text(text, encoding="utf-8")
    assert main(["check", "--connect", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "[storage] database: " in err and said in err and "Traceback" not in err


def test_run_without_its_database_server_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main
    from tests.conftest import example_config_in

    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        'database = "data/community-bot.sqlite3"',
        'database = "postgresql+asyncpg://bot@127.0.0.1:1/bot"', 1,
    )  # fmt: skip
    config.write_text(text, encoding="utf-8")
    script = tmp_path / "s.txt"
    script.write_text("alice: hello\n", encoding="utf-8")
    assert main(["simulate", str(script), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("database error: cannot reach the database server")
