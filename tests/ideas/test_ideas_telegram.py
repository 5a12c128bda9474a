"""Ideas on the real python-telegram-bot client against the project's fake Bot API: an idea
posted, a vote (the author's own refused), a status change reaching author and voter privately."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from cogs.ideas.store import IdeaStore
from tests.adapters.telegram.fake_bot_api import (
    GROUP,
    button_press,
    message_object,
    text_message,
    user,
)
from tests.adapters.telegram.test_e2e import ADMIN, MEMBER, Bot, rules_dir, start_bot, stop_bot

pytestmark = pytest.mark.slow
__all__ = ["rules_dir"]

VOTER = user(8, "Vera", "vera")


@pytest.fixture
async def ideas_tg(example_config: Config, tmp_path: Path, rules_dir: Path) -> AsyncIterator[Bot]:
    bot = await start_bot(example_config, tmp_path, rules_dir)
    yield bot
    await stop_bot(bot)


async def test_an_idea_voted_and_its_status_sent_privately(ideas_tg: Bot) -> None:
    fake = ideas_tg.fake
    await fake.push(text_message(MEMBER, "/idea Dark theme | easier at night", message_id=80))
    sent = await fake.wait_for("sendMessage", 2)
    card = next(p for p in sent if "Idea #1: Dark theme" in p["text"])
    datas = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert datas == ["idea.vote:1", "idea.follow:1"]
    made = [p for m, p in fake.calls if m in ("sendMessage", "editMessageText")]
    card_id = 1000 + next(i for i, p in enumerate(made) if "Idea #1: Dark theme" in p["text"])
    shown = message_object(user(999, "Community"), "card", card_id)
    await fake.push(button_press(MEMBER, "idea.vote:1", shown))
    await fake.push(button_press(VOTER, "idea.vote:1", shown))
    answers = await fake.wait_for("answerCallbackQuery", 2)
    assert "cannot vote for your own idea" in (answers[0].get("text") or "")
    assert await IdeaStore(ideas_tg.app.db).voters(1) == [str(VOTER.id)]
    edits = await fake.wait_for("editMessageText")
    assert "1 vote" in edits[-1]["text"]
    await fake.push(text_message(ADMIN, "/ideas status 1 planned next month", message_id=81))
    private = []
    for count in range(3, 12):
        sent = await fake.wait_for("sendMessage", count)
        private = [p for p in sent if int(p["chat_id"]) in (MEMBER.id, VOTER.id)]
        if len(private) == 2:
            break
    assert sorted(int(p["chat_id"]) for p in private) == sorted([VOTER.id, MEMBER.id])
    assert all("#1 Dark theme: planned — next month" in p["text"] for p in private)
    assert all(int(p["chat_id"]) != GROUP.id for p in private)
