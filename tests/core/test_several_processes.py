"""Two processes serving one chat (a Telegram webhook balancer sends each update to either):
what one process keeps in memory for speed must not hide what the other just did."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import pytest
from sqlalchemy import select

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from cogs.desk import Desk
from cogs.desk.tables import cases
from cogs.studio.tables import posts
from tests.conftest import SameDatabase, with_core

Processes = Literal["one", "several"]


class Chat:
    """Two apps on one database, each with a console platform over the same chat history."""

    def __init__(self, config: Config, same_database: SameDatabase) -> None:
        self.config, self.same_database = config, same_database
        self.clock = same_database.clock
        self.apps: list[BotApp] = []

    async def start(self, processes: Processes) -> tuple[ConsolePlatform, ConsolePlatform]:
        desk = Desk.settings_from(self.config).updated(private_rooms=False)
        config = with_core(self.config.with_section("desk", desk), "storage", processes=processes)
        self.apps = await self.same_database.start(config)
        first, second = (app.console_platform() for app in self.apps)
        second.messages = first.messages  # one chat: either process sees every message
        second._ids = first._ids
        return first, second


@pytest.fixture
def chat(example_config: Config, same_database: SameDatabase) -> Chat:
    return Chat(example_config, same_database)


async def first_response(app: BotApp) -> object:
    async with app.db.read() as conn:
        return (await conn.execute(select(cases.c.first_response_at))).scalar_one()


@pytest.mark.parametrize(("processes", "seen"), [("several", True), ("one", False)])
async def test_a_case_opened_in_one_process_is_answered_in_the_other(
    chat: Chat, processes: Processes, seen: bool
) -> None:
    a, b = await chat.start(processes)
    await a.post("alice", "general", "/ticket my invoice is wrong")
    chat.clock.advance(timedelta(seconds=6))
    await b.post("mod", "general", "checking it now", reply_to_member="alice")
    assert (await first_response(chat.apps[0]) is not None) is seen


async def test_a_draft_question_asked_in_one_process_is_answered_in_the_other(
    chat: Chat,
) -> None:
    a, b = await chat.start("several")
    await a.post("mod", "general", "/post new myth_vs_fact")
    assert "1/3" in a.transcript[-1]
    chat.clock.advance(timedelta(seconds=6))
    await b.post("mod", "general", "Cats always land on their feet", reply_to_member="bot")
    assert "2/3" in b.transcript[-1]
    async with chat.apps[0].db.read() as conn:
        fields = (await conn.execute(select(posts.c.fields))).scalar_one()
    assert "Cats always land on their feet" in str(fields)
