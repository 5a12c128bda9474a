"""Columns through the neutral core: prepared ahead with a reminder to the owner, once per
time (also after a restart), published at their time when filled, skipped when empty."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.config import Config
from cogs.studio import Studio
from cogs.studio.tables import posts

pytestmark = pytest.mark.slow  # ten simulated days of scheduled jobs

# The fixture clock starts on Friday 2026-11-27 14:00 in Tbilisi.


@pytest.fixture
def example_config(example_config: Config) -> Config:
    studio = Studio.settings_from(example_config).updated(columns=[
        {"name": "qotw", "community": "console:console", "template": "question_of_the_week",
         "channel": "general", "day": "mon", "at": "12:00", "owner": "mod", "ahead": "2d"},
    ])  # fmt: skip
    return example_config.with_section("studio", studio)


async def statuses(app: BotApp) -> list[tuple[int, str]]:
    async with app.db.read() as conn:
        rows = await conn.execute(select(posts.c.id, posts.c.status).order_by(posts.c.id))
    return [(int(i), str(s)) for i, s in rows]


async def test_a_column_prepared_filled_published_then_skipped_when_empty(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    first = make_app(example_config)
    platform = first.console_platform()
    await first.start()
    # Saturday 13:00: Monday 12:00 is within two days — the draft and the reminder.
    await first.scheduler.advance_to(first.clock.now() + timedelta(hours=23))
    reminders = [line for line in platform.transcript if "[direct] bot → mod" in line]
    assert len(reminders) == 1 and "Column “qotw” goes out at" in reminders[0]
    await first.close()

    second = make_app(example_config)
    platform = second.console_platform()
    await second.start()
    try:
        await second.scheduler.advance_to(second.clock.now() + timedelta(hours=3))
        assert await statuses(second) == [(1, "scheduled")]  # prepared once
        await platform.post("mod", "general", "/post fill 1 question Which tool do you use most?")
        await second.scheduler.advance_to(second.clock.now() + timedelta(days=2))
        assert (1, "published") in await statuses(second)
        assert any(line.startswith("#general bot: Question of the week")
                   for line in platform.transcript)  # fmt: skip
        # The next Monday: prepared again, nobody fills it, skipped with a note.
        await second.scheduler.advance_to(second.clock.now() + timedelta(days=7))
        assert (2, "skipped") in await statuses(second)
        assert any("Column “qotw” (post #2) was skipped" in line for line in platform.transcript)
        published = [line for line in platform.transcript
                     if line.startswith("#general bot: Question of the week")]  # fmt: skip
        assert len(published) == 1
    finally:
        await second.close()
