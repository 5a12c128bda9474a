"""The case flow on the real python-telegram-bot client against the project's fake Bot API:
/ticket in the group, the card in the staff chat, a staff reply answering the case, closing,
and the member's rating (once, only theirs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Chat

from bot.config import Config
from cogs.desk import Desk
from cogs.desk.store import DeskStore
from tests.adapters.telegram.fake_bot_api import (
    GROUP,
    button_press,
    message_object,
    text_message,
    user,
)
from tests.adapters.telegram.test_e2e import (
    ADMIN,
    MEMBER,
    MOD_CHAT,
    Bot,
    rules_dir,
    start_bot,
    stop_bot,
)

pytestmark = pytest.mark.slow
__all__ = ["rules_dir"]  # the fixture, shared with the Telegram end-to-end tests


@pytest.fixture
async def desk_tg(example_config: Config, tmp_path: Path, rules_dir: Path) -> AsyncIterator[Bot]:
    desk = Desk.settings_from(example_config).updated(
        staff_channels={f"telegram:{GROUP.id}": str(MOD_CHAT)}
    )
    bot = await start_bot(example_config.with_section("desk", desk), tmp_path, rules_dir)
    yield bot
    await stop_bot(bot)


MAKES_MESSAGES = ("sendMessage", "sendPhoto", "editMessageText", "sendPoll")


def sent_id(bot: Bot, text: str) -> int:
    """The id the fake gave the bot's message containing ``text``: it numbers every message
    it returns from 1000 on."""
    made = [params for method, params in bot.fake.calls if method in MAKES_MESSAGES]
    return 1000 + next(i for i, p in enumerate(made) if text in p.get("text", ""))


async def test_a_ticket_from_open_to_rated(desk_tg: Bot) -> None:
    fake = desk_tg.fake
    await fake.push(text_message(MEMBER, "/ticket my card was charged twice", message_id=50))
    sent = await fake.wait_for("sendMessage", 2)
    card = next(p for p in sent if int(p["chat_id"]) == MOD_CHAT)
    assert "Case #1 from Max" in card["text"]
    claim = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert claim == ["desk.claim:1"]
    assert any("Case #1 is open" in p["text"] for p in sent if int(p["chat_id"]) == GROUP.id)
    # A staff reply to the member's message answers the case.
    ticket = message_object(MEMBER, "/ticket my card was charged twice", 50)
    await fake.push(
        text_message(ADMIN, "the refund is on its way", message_id=51, reply_to=ticket)
    )
    await fake.push(text_message(ADMIN, "/desk close 1 refunded", message_id=52))
    sent = await fake.wait_for("sendMessage", 4)
    closing = next(p for p in sent if "Case #1 is closed (refunded)" in p["text"])
    datas = [b["callback_data"] for row in closing["reply_markup"]["inline_keyboard"] for b in row]
    assert datas[:5] == [f"desk.rate:1:{n}" for n in range(1, 6)]
    asked = message_object(
        user(999, "Community"), "closed", sent_id(desk_tg, "is closed (refunded)")
    )
    # Someone else's press first, then the member's: the member's rating counts.
    await fake.push(button_press(user(8, "Eve"), "desk.rate:1:1", asked))
    await fake.push(button_press(MEMBER, "desk.rate:1:4", asked))
    answers = await fake.wait_for("answerCallbackQuery", 2)
    texts = [a.get("text") or "" for a in answers]
    assert "Only the member who opened this case can do that." in texts[0]
    case = await DeskStore(desk_tg.app.db).get(1)
    assert case is not None
    assert (case.status, case.satisfaction, case.first_response_at is not None) == (
        "closed",
        4,
        True,
    )
    # A claim forged from the group (the card lives in the staff chat) is refused.
    group_message = message_object(
        user(999, "Community"), "x", 1000, chat=Chat(id=GROUP.id, type=Chat.SUPERGROUP)
    )
    await fake.push(button_press(ADMIN, "desk.claim:1", group_message))
    answers = await fake.wait_for("answerCallbackQuery", 3)
    assert "no longer works" in (answers[-1].get("text") or "")
