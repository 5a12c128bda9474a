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
    """Tickets in private rooms (the staff group's topics, or replies there)."""
    bot = await start_desk(example_config, tmp_path, rules_dir, rooms=True)
    yield bot
    await stop_bot(bot)


@pytest.fixture
async def channel_tg(
    example_config: Config, tmp_path: Path, rules_dir: Path
) -> AsyncIterator[Bot]:
    """Cases in the group where they were opened."""
    bot = await start_desk(example_config, tmp_path, rules_dir, rooms=False)
    yield bot
    await stop_bot(bot)


async def start_desk(config: Config, tmp_path: Path, rules_dir: Path, *, rooms: bool) -> Bot:
    desk = Desk.settings_from(config).updated(
        staff_channels={f"telegram:{GROUP.id}": str(MOD_CHAT)}, private_rooms=rooms
    )
    return await start_bot(config.with_section("desk", desk), tmp_path, rules_dir)


MAKES_MESSAGES = ("sendMessage", "sendPhoto", "editMessageText", "sendPoll")


def sent_id(bot: Bot, text: str) -> int:
    """The id the fake gave the bot's message containing ``text``: it numbers every message
    it returns from 1000 on."""
    made = [params for method, params in bot.fake.calls if method in MAKES_MESSAGES]
    return 1000 + next(i for i, p in enumerate(made) if text in p.get("text", ""))


async def test_a_ticket_from_open_to_rated(channel_tg: Bot) -> None:
    desk_tg = channel_tg
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
    # The card's claim works from the staff chat (a chat of its own on Telegram)...
    fake.admins[MOD_CHAT] = [(ADMIN.id, "administrator")]
    card_message = message_object(
        user(999, "Community"), "card", sent_id(desk_tg, "Case #1 from Max"),
        chat=Chat(id=MOD_CHAT, type=Chat.SUPERGROUP),
    )  # fmt: skip
    await fake.push(button_press(ADMIN, "desk.claim:1", card_message))
    answers = await fake.wait_for("answerCallbackQuery", 3)
    assert "Case #1 is not open." in (answers[-1].get("text") or "")  # found, but closed
    # ...and a claim forged from the group (the card lives in the staff chat) is refused.
    group_message = message_object(
        user(999, "Community"), "x", 1999, chat=Chat(id=GROUP.id, type=Chat.SUPERGROUP)
    )
    await fake.push(button_press(ADMIN, "desk.claim:1", group_message))
    answers = await fake.wait_for("answerCallbackQuery", 4)
    assert "no longer works" in (answers[-1].get("text") or "")


async def test_a_ticket_relayed_between_a_private_chat_and_a_staff_topic(desk_tg: Bot) -> None:
    fake = desk_tg.fake
    fake.forums.add(MOD_CHAT)
    fake.admins[MOD_CHAT] = [(ADMIN.id, "administrator")]
    private = Chat(id=MEMBER.id, type=Chat.PRIVATE)
    await fake.push(text_message(MEMBER, "/ticket my card was charged twice", message_id=60))
    topic = await fake.wait_for("createForumTopic")
    assert int(topic[0]["chat_id"]) == MOD_CHAT and topic[0]["name"].startswith("#1 Max")
    sent = await fake.wait_for("sendMessage", 4)
    assert any(int(p["chat_id"]) == MEMBER.id and "Your case #1" in p["text"] for p in sent)
    intro = next(p for p in sent if "goes to the member privately" in p["text"])
    assert (int(intro["chat_id"]), int(intro["message_thread_id"])) == (MOD_CHAT, 100)

    # The member writes privately: it lands in the topic.
    await fake.push(text_message(MEMBER, "since May, twice a month", message_id=61, chat=private))
    sent = await fake.wait_for("sendMessage", 5)
    assert (sent[-1]["text"], int(sent[-1]["message_thread_id"])) == (
        "Max: since May, twice a month", 100)  # fmt: skip
    # The same topic number in another chat is not the room.
    await fake.push(text_message(ADMIN, "not for the member", message_id=62, topic=100))
    # Staff write in the topic: a note stays, an answer goes to the member privately.
    staff = Chat(id=MOD_CHAT, type=Chat.SUPERGROUP, is_forum=True)
    await fake.push(text_message(ADMIN, "! refund id 77", message_id=63, chat=staff, topic=100))
    await fake.push(
        text_message(ADMIN, "Refunded the second charge", message_id=64, chat=staff, topic=100)
    )
    sent = await fake.wait_for("sendMessage", 6)
    assert (int(sent[-1]["chat_id"]), sent[-1]["text"]) == (
        MEMBER.id, "Ada (support): Refunded the second charge")  # fmt: skip
    assert not any("not for the member" in p["text"] or "refund id" in p["text"] for p in sent)
    # Closed from the topic without a number: the rating goes privately, the topic closes.
    await fake.push(text_message(ADMIN, "/desk close refunded", message_id=65, chat=staff,
                                 topic=100))  # fmt: skip
    await fake.wait_for("closeForumTopic")
    sent = await fake.wait_for("sendMessage", 8)
    asking = next(p for p in sent if "Rate it from 1" in p["text"])
    assert int(asking["chat_id"]) == MEMBER.id
    asked = message_object(
        user(999, "Community"), "closed", sent_id(desk_tg, "Rate it from 1"), chat=private
    )
    await fake.push(button_press(MEMBER, "desk.rate:1:5", asked))
    await fake.wait_for("answerCallbackQuery")
    case = await DeskStore(desk_tg.app.db).get(1)
    assert case is not None
    assert (case.status, case.satisfaction, case.room_thread) == ("closed", 5, "100")
    assert case.first_response_at is not None


async def test_a_plain_staff_group_answers_cases_by_reply(desk_tg: Bot) -> None:
    fake = desk_tg.fake  # MOD_CHAT is no forum: topics are refused
    private = Chat(id=MEMBER.id, type=Chat.PRIVATE)
    staff = Chat(id=MOD_CHAT, type=Chat.SUPERGROUP)
    await fake.push(text_message(MEMBER, "/ticket my card was charged twice", message_id=70))
    await fake.wait_for("createForumTopic")
    sent = await fake.wait_for("sendMessage", 4)
    intro = next(p for p in sent if "cases share it" in p["text"])
    assert int(intro["chat_id"]) == MOD_CHAT and intro.get("message_thread_id") is None
    await fake.push(text_message(MEMBER, "since May", message_id=71, chat=private))
    sent = await fake.wait_for("sendMessage", 5)
    assert (int(sent[-1]["chat_id"]), sent[-1]["text"]) == (MOD_CHAT, "#1 Max: since May")
    relayed = message_object(user(999, "Community"), "#1 Max: since May",
                             sent_id(desk_tg, "#1 Max: since May"), chat=staff)  # fmt: skip
    # Talk in the staff group that replies to nothing stays there.
    await fake.push(text_message(ADMIN, "who takes this one?", message_id=72, chat=staff))
    await fake.push(
        text_message(ADMIN, "Refund is on its way", message_id=73, chat=staff, reply_to=relayed)
    )
    sent = await fake.wait_for("sendMessage", 6)
    assert (int(sent[-1]["chat_id"]), sent[-1]["text"]) == (
        MEMBER.id, "Ada (support): Refund is on its way")  # fmt: skip
    assert not any("who takes" in p["text"] for p in sent)
    case = await DeskStore(desk_tg.app.db).get(1)
    assert case is not None and case.room_by_reply and case.first_response_at is not None
    transcript = await DeskStore(desk_tg.app.db).transcript(1)
    assert [row.text for row in transcript if row.role == "staff"] == ["Refund is on its way"]
