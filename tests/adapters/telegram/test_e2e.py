"""The real python-telegram-bot client against the project's fake Bot API server, over loopback."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Chat

from bot.adapters.telegram.inbound import community_of
from bot.adapters.telegram.runner import SECRET_HEADER, TelegramRunner
from bot.app import BotApp
from bot.config import Config, TelegramConfig
from bot.core.clock import SystemClock
from bot.core.context import Context
from bot.core.events import MessagePosted, PollVoted
from bot.core.messages import PollSpec
from bot.i18n import translator
from cogs.polls.store import PollStore
from tests.adapters.telegram.fake_bot_api import (
    GROUP,
    FakeBotAPI,
    button_press,
    joined,
    joined_service_message,
    message_object,
    poll_answer,
    text_message,
    user,
)
from tests.conftest import in_locale

ROOT = Path(__file__).resolve().parents[3]
MOD_CHAT = -1009999
ADMIN = user(42, "Ada", "ada")
MEMBER = user(7, "Max", "max")
TOKEN = "123456:TEST-token"


@dataclass
class Bot:
    fake: FakeBotAPI
    app: BotApp
    runner: TelegramRunner


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    policy = target / "moderation.toml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            '"console:console" = "mod-log"', f'"telegram:{GROUP.id}" = "{MOD_CHAT}"'
        ),
        encoding="utf-8",
    )
    return target


async def start_bot(
    example_config: Config,
    tmp_path: Path,
    rules_dir: Path,
    prepare: Callable[[FakeBotAPI], None] | None = None,
    **telegram: Any,
) -> Bot:
    fake = FakeBotAPI()
    if prepare is not None:
        prepare(fake)
    fake.admins[GROUP.id] = [(1, "creator"), (ADMIN.id, "administrator")]
    url = await fake.start()
    settings = TelegramConfig(enabled=True, api_base_url=url, poll_timeout=2, **telegram)
    content = example_config.content.model_copy(update={"rules": str(rules_dir)})
    config = example_config.model_copy(update={"telegram": settings, "content": content})
    app = BotApp(
        config, clock=SystemClock(), database_url=f"sqlite+aiosqlite:///{tmp_path / 'tg.sqlite3'}"
    )
    await app.db.migrate()
    runner = TelegramRunner(
        settings, TOKEN, app.services, app.dispatcher.dispatch, webhook_secret="s3cret"
    )
    await runner.start()
    await app.start()
    return Bot(fake, app, runner)


async def stop_bot(bot: Bot) -> None:
    await bot.runner.stop()
    await bot.app.close()
    await bot.fake.stop()


@pytest.fixture
async def tg(example_config: Config, tmp_path: Path, rules_dir: Path) -> AsyncIterator[Bot]:
    bot = await start_bot(example_config, tmp_path, rules_dir)
    yield bot
    await stop_bot(bot)


def texts_to(fake: FakeBotAPI, chat_id: int) -> list[str]:
    return [p["text"] for p in fake.called("sendMessage") if int(p["chat_id"]) == chat_id]


async def test_start_up_commands_and_help(tg: Bot) -> None:
    fake = tg.fake
    assert fake.methods()[:1] == ["getMe"]
    assert "deleteWebhook" in fake.methods()
    polls = await fake.wait_for("getUpdates")
    assert "chat_member" in polls[0]["allowed_updates"]  # must be asked for explicitly
    scopes = {(c["scope"]["type"], c.get("language_code")): [x["command"] for x in c["commands"]]
              for c in fake.called("setMyCommands")}  # fmt: skip
    assert "mute" in scopes[("all_chat_administrators", None)]
    assert "mute" not in scopes[("all_group_chats", None)]
    assert "help" in scopes[("default", "ru")]

    await fake.push(text_message(MEMBER, "/help", message_id=10))
    [reply] = await fake.wait_for("sendMessage")
    assert "Commands you can use here:" in reply["text"] and "/mute" not in reply["text"]
    assert reply["reply_parameters"]["message_id"] == 10
    assert reply["parse_mode"] == "HTML"
    # /cmd@ourbot is ours, /cmd@otherbot is not.
    await fake.push(text_message(MEMBER, "/help@otherbot", message_id=11))
    await fake.push(text_message(MEMBER, "/help@Community_Test_Bot rules", message_id=12))
    replies = await fake.wait_for("sendMessage", 2)
    assert [r["reply_parameters"]["message_id"] for r in replies] == [10, 12]


async def test_a_joining_member_is_greeted(tg: Bot) -> None:
    await tg.fake.push(joined(user(555, "Nina", "nina")))
    [welcome] = await tg.fake.wait_for("sendMessage")
    assert int(welcome["chat_id"]) == GROUP.id
    assert 'Welcome, <a href="tg://user?id=555">Nina</a>!' in welcome["text"]


async def test_moderator_commands_only_for_administrators(tg: Bot) -> None:
    fake = tg.fake
    target = message_object(user(77, "Troll", "troll"), "spam spam", 20)
    await fake.push(text_message(MEMBER, "/mute 10m", message_id=21, reply_to=target))
    [refusal] = await fake.wait_for("sendMessage")
    assert "/mute is for the moderator team" in refusal["text"]
    assert not fake.called("restrictChatMember")

    await fake.push(text_message(ADMIN, "/mute 10m flooding", message_id=22, reply_to=target))
    [restrict] = await fake.wait_for("restrictChatMember")
    assert restrict["user_id"] == "77" and int(restrict["chat_id"]) == GROUP.id
    assert abs(int(restrict["until_date"]) - (time.time() + 600)) < 30
    assert restrict["permissions"]["can_send_messages"] is False
    log_posts = await fake.wait_for("sendMessage", 3)
    assert any("Case #1 · mute · 77 · by Ada" in p["text"] for p in log_posts)


async def test_stop_word_is_deleted_and_explained(tg: Bot) -> None:
    await tg.fake.push(text_message(MEMBER, "you are an 1d10t", message_id=30))
    [deleted] = await tg.fake.wait_for("deleteMessage")
    assert deleted["message_id"] == "30"
    notices = await tg.fake.wait_for("sendMessage", 2)
    direct = [n for n in notices if int(n["chat_id"]) == MEMBER.id]
    assert direct and "Rule 1" in direct[0]["text"]


async def test_button_press_is_routed_and_answered(tg: Bot) -> None:
    fake = tg.fake
    target = message_object(user(78, "Spammer"), "buy now", 40)
    await fake.push(text_message(MEMBER, "/report scam", message_id=41, reply_to=target))
    sent = await fake.wait_for("sendMessage", 2)
    alert = next(p for p in sent if int(p["chat_id"]) == MOD_CHAT)
    datas = [b["callback_data"] for row in alert["reply_markup"]["inline_keyboard"] for b in row]
    key = f"{GROUP.id}/1"
    assert datas == [f"mod.delete:{key}", f"mod.warn:{key}", f"mod.dismiss:{key}"]
    alert_message = message_object(
        user(999, "Community"), "alert", 1000, chat=Chat(id=MOD_CHAT, type=Chat.SUPERGROUP)
    )
    fake.admins[MOD_CHAT] = [(ADMIN.id, "administrator")]
    await fake.push(button_press(ADMIN, f"mod.dismiss:{key}", alert_message))
    [answer] = await fake.wait_for("answerCallbackQuery")
    assert answer["callback_query_id"] == f"cb1000-{ADMIN.id}"
    await fake.wait_for("sendMessage", 3)
    assert any("Case #1 dismissed by Ada" in t for t in texts_to(fake, MOD_CHAT))


async def test_poll_answer_becomes_a_vote(tg: Bot) -> None:
    votes: list[PollVoted] = []

    async def record(ctx: Context) -> None:
        assert isinstance(ctx.event, PollVoted)
        votes.append(ctx.event)

    tg.app.registry.on(PollVoted, record)
    channel = tg.runner.port.home_channel(community_of(GROUP.id))
    sent = await tg.runner.port.send_poll(channel, PollSpec("Carousel or video?", ("A", "B")))
    [poll] = tg.fake.called("sendPoll")
    assert poll["is_anonymous"] == "false"
    assert [o["text"] for o in poll["options"]] == ["A", "B"]
    await tg.fake.push(poll_answer(MEMBER, sent.poll_id, [1]))
    await tg.fake.wait_for("getUpdates", len(tg.fake.called("getUpdates")) + 2)
    assert [(v.poll_id, v.options, v.member.display_name) for v in votes] == [
        (sent.poll_id, (1,), "Max")
    ]


async def test_429_is_retried_and_nothing_is_lost(tg: Bot) -> None:
    fake = tg.fake
    fake.fail_next(
        "sendMessage",
        429,
        description="Too Many Requests: retry after 1",
        parameters={"retry_after": 1},
    )
    fake.fail_next(
        "getUpdates",
        429,
        description="Too Many Requests: retry after 1",
        parameters={"retry_after": 1},
    )
    await fake.push(text_message(MEMBER, "/help", message_id=50))
    await fake.push(text_message(MEMBER, "/rules", message_id=51))
    replies = await fake.wait_for("sendMessage", 3, within=15)
    # The first attempt got the 429; the rate limiter waited and sent it again.
    assert [r["reply_parameters"]["message_id"] for r in replies] == [50, 50, 51]


async def test_malformed_update_is_skipped(tg: Bot) -> None:
    fake = tg.fake
    await fake.push({"message": {"text": "no date, no chat, no sender"}})
    await fake.push({"callback_query": "not even an object"})
    await fake.push(text_message(MEMBER, "/help", message_id=60))
    [reply] = await fake.wait_for("sendMessage")
    assert reply["reply_parameters"]["message_id"] == 60


async def test_webhook_mode_checks_the_secret(
    example_config: Config, tmp_path: Path, rules_dir: Path
) -> None:
    bot = await start_bot(
        example_config,
        tmp_path,
        rules_dir,
        mode="webhook",
        webhook_url="https://bot.example.test/telegram",
        webhook_port=1,
    )
    try:
        [hook] = bot.fake.called("setWebhook")
        assert hook["url"] == "https://bot.example.test/telegram"
        assert hook["secret_token"] == "s3cret" and "chat_member" in hook["allowed_updates"]
        assert "getUpdates" not in bot.fake.methods()
        url = f"http://127.0.0.1:{bot.runner.webhook_port}/telegram"
        update = {**text_message(MEMBER, "/help", message_id=70), "update_id": 1}
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={SECRET_HEADER: "wrong"}) as resp:
                assert resp.status == 403
            async with http.post(
                url, data=b"{not json", headers={SECRET_HEADER: "s3cret"}
            ) as resp:
                assert resp.status == 200
            async with http.post(url, json=update, headers={SECRET_HEADER: "s3cret"}) as resp:
                assert resp.status == 200
        [reply] = await bot.fake.wait_for("sendMessage")
        assert reply["reply_parameters"]["message_id"] == 70
    finally:
        await stop_bot(bot)


async def test_join_as_service_message_and_update_greets_once(tg: Bot) -> None:
    nina = user(556, "Nina")
    await tg.fake.push(joined_service_message(nina, message_id=80))
    await tg.fake.push(joined(nina))
    await tg.fake.push(text_message(MEMBER, "/rules", message_id=81))
    replies = await tg.fake.wait_for("sendMessage", 2)
    assert sum("Welcome" in r["text"] for r in replies) == 1
    assert "Our community rules" in replies[-1]["text"]


async def test_command_without_entities_still_works(tg: Bot) -> None:
    raw = text_message(MEMBER, "/help", message_id=90)
    raw["message"].pop("entities")
    await tg.fake.push(raw)
    [reply] = await tg.fake.wait_for("sendMessage")
    assert "Commands you can use here:" in reply["text"]


async def test_a_server_without_optional_methods(
    example_config: Config, tmp_path: Path, rules_dir: Path
) -> None:
    """setMyCommands refused and no getChatAdministrators: the bot still runs, and finds
    administrators one by one with getChatMember."""

    def refuse(fake: FakeBotAPI) -> None:
        for _ in range(6):
            fake.fail_next("setMyCommands", 404, description="Not Found")
        for _ in range(3):
            fake.fail_next("getChatAdministrators", 404, description="Not Found")

    bot = await start_bot(example_config, tmp_path, rules_dir, refuse)
    try:
        target = message_object(user(79, "Loud"), "LOUD", 100)
        await bot.fake.push(text_message(MEMBER, "/kick", message_id=101, reply_to=target))
        await bot.fake.push(text_message(ADMIN, "/kick", message_id=102, reply_to=target))
        [ban] = await bot.fake.wait_for("banChatMember")
        assert ban["user_id"] == "79"
        [unban] = await bot.fake.wait_for("unbanChatMember")
        assert unban["only_if_banned"] == "true"
        assert len(bot.fake.called("banChatMember")) == 1  # the member's /kick was refused
    finally:
        await stop_bot(bot)


async def test_poll_answer_after_a_restart_is_still_counted(tg: Bot) -> None:
    fake = tg.fake
    await fake.push(text_message(ADMIN, "/poll 1h Tea or coffee? | Tea | Coffee", message_id=110))
    [poll] = await fake.wait_for("sendPoll")
    sent_polls = [p for p in fake.calls if p[0] == "sendPoll"]
    assert sent_polls and poll["question"] == "Tea or coffee?"
    for _ in range(100):  # the bot records the poll once the API has answered (bounded wait)
        if tg.runner.port.poll_chats:
            break
        await asyncio.sleep(0.05)
    poll_id = next(iter(tg.runner.port.poll_chats))
    tg.runner.port.poll_chats.clear()  # as after a restart
    await fake.push(poll_answer(MEMBER, poll_id, [1]))
    store = PollStore(tg.app.db)
    stored = await store.by_native("telegram", poll_id)
    assert stored is not None
    for _ in range(100):  # the answer is handled on its own task; wait for it (bounded)
        counts, voters = await store.counts(stored)
        if voters:
            break
        await asyncio.sleep(0.05)
    assert counts == [0, 1] and voters == 1


async def test_a_chart_goes_out_as_a_photo_with_its_caption(tg: Bot) -> None:
    from bot.core.ids import ChannelRef
    from bot.core.messages import Attachment, OutgoingMessage
    from bot.core.richtext import bold, text

    channel = ChannelRef(community_of(GROUP.id), str(MOD_CHAT))
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    short = OutgoingMessage(text(bold("Weekly report"), "\nActive: 40%"),
                            attachment=Attachment("weekly-report.png", png))  # fmt: skip
    sent = await tg.runner.port.send(channel, short)
    [photo] = await tg.fake.wait_for("sendPhoto")
    assert photo["photo"]["filename"] == "weekly-report.png"
    assert photo["photo"]["head"] == png[:8]
    assert photo["caption"] == "<b>Weekly report</b>\nActive: 40%"
    assert sent.id
    long = OutgoingMessage(text("x" * 1500), attachment=Attachment("c.png", png))
    await tg.runner.port.send(channel, long)
    photos = await tg.fake.wait_for("sendPhoto", 2)
    assert photos[1].get("caption") in (None, "")  # too long for a caption: sent as text after
    assert any(t == "x" * 1500 for t in texts_to(tg.fake, MOD_CHAT))


async def test_rank_checks_before_any_telegram_call(tg: Bot) -> None:
    """An administrator cannot act on the group's owner, another administrator or the bot."""
    fake = tg.fake
    fake.admins[GROUP.id] = [(1, "creator"), (ADMIN.id, "administrator"), (43, "administrator")]
    tg.runner._admins.clear()  # the admin list changed: as after a chat_member update
    owner = message_object(user(1, "Owner", "owner"), "hi", 50)
    peer = message_object(user(43, "Peer", "peer"), "hi", 51)
    me = message_object(user(999, "Community"), "hi", 52)
    cases = [(owner, "own this community"), (peer, "same as yours or higher"),
             (me, "won't do that to myself")]  # fmt: skip
    for number, (target, said) in enumerate(cases):
        await fake.push(text_message(ADMIN, "/ban spam", message_id=60 + number, reply_to=target))
        replies = await fake.wait_for("sendMessage", number + 1)
        assert said in replies[-1]["text"]
    assert not fake.called("banChatMember") and not fake.called("restrictChatMember")


async def test_alert_buttons_are_for_moderators_and_decide_once(tg: Bot) -> None:
    fake = tg.fake
    target = message_object(user(78, "Spammer"), "buy now", 40)
    await fake.push(text_message(MEMBER, "/report scam", message_id=41, reply_to=target))
    await fake.wait_for("sendMessage", 2)
    key = f"{GROUP.id}/1"
    alert = message_object(
        user(999, "Community"), "alert", 1000, chat=Chat(id=MOD_CHAT, type=Chat.SUPERGROUP)
    )
    fake.admins[MOD_CHAT] = [(ADMIN.id, "administrator"), (44, "administrator")]
    # A member who can see the mod chat (or forges the callback) cannot warn anyone.
    await fake.push(button_press(MEMBER, f"mod.warn:{key}", alert))
    [refused] = await fake.wait_for("answerCallbackQuery")
    assert "This button is for moderators" in refused["text"]
    assert not fake.called("deleteMessage")
    await fake.push(button_press(ADMIN, f"mod.warn:{key}", alert))
    await fake.wait_for("deleteMessage")
    # A second moderator pressing Delete on the same alert is told who decided.
    await fake.push(button_press(user(44, "Bea"), f"mod.delete:{key}", alert))
    answers = await fake.wait_for("answerCallbackQuery", 3)
    assert "Already decided by Ada" in (answers[-1].get("text") or "")
    assert len(fake.called("deleteMessage")) == 1


async def test_updates_are_confirmed_only_once_handled(tg: Bot) -> None:
    """The getUpdates offset tells Telegram an update was delivered: it only passes updates
    whose handling finished, so a crash before that (kill -9) gets them again."""
    fake = tg.fake
    release = asyncio.Event()
    entered = asyncio.Event()

    async def slow(ctx: Context) -> None:
        entered.set()
        await release.wait()

    tg.app.registry.on(MessagePosted, slow)
    first = await fake.push(text_message(MEMBER, "one", message_id=120))
    last = await fake.push(text_message(MEMBER, "two", message_id=121))
    await asyncio.wait_for(entered.wait(), 10)
    offsets = [int(c["offset"]) for c in fake.called("getUpdates") if "offset" in c]
    assert all(offset <= first for offset in offsets)  # nothing confirmed while handling
    release.set()
    for _ in range(200):  # bounded wait for the next long poll
        offsets = [int(c["offset"]) for c in fake.called("getUpdates") if "offset" in c]
        if offsets and max(offsets) == last + 1:
            break
        await asyncio.sleep(0.05)
    assert max(offsets) == last + 1


async def test_a_georgian_group_gets_georgian_commands_and_replies(
    example_config: Config, tmp_path: Path, rules_dir: Path
) -> None:
    """The list without a language code is the community's (Georgian); English and Russian
    clients get their own lists."""
    bot = await start_bot(in_locale(example_config, "ka"), tmp_path, rules_dir)
    try:
        fake = bot.fake
        lists = {(c["scope"]["type"], c.get("language_code")):
                 {x["command"]: x["description"] for x in c["commands"]}
                 for c in fake.called("setMyCommands")}  # fmt: skip
        assert lists[("default", None)]["help"] == translator("ka")("help.description")
        assert lists[("default", "en")]["help"] == translator("en")("help.description")
        assert lists[("all_chat_administrators", "ru")]["mute"] == translator("ru")(
            "moderation.cmd.mute"
        )
        assert ("default", "ka") not in lists
        await fake.push(text_message(MEMBER, "/help", message_id=10))
        [reply] = await fake.wait_for("sendMessage")
        assert "ბრძანებები, რომლებიც აქ შეგიძლიათ გამოიყენოთ:" in reply["text"]
        assert "/faq [საძიებო]" in reply["text"]
    finally:
        await stop_bot(bot)
