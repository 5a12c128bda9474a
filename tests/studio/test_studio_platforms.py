"""Publishing a post on the real python-telegram-bot and discord.py clients against the project's
fake servers: drafted, filled, approved by a second person (Telegram), published now with its
feedback buttons, and a member's verdict recorded once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Config
from cogs.studio import Studio
from cogs.studio.store import StudioStore
from tests.adapters.discord.fake_discord import ALICE, CHANNEL_ID, MOD, FakeDiscord
from tests.adapters.discord.test_e2e import discord_config, fake, start, stop
from tests.adapters.telegram.fake_bot_api import GROUP, text_message, user
from tests.adapters.telegram.test_e2e import ADMIN, rules_dir, start_bot, stop_bot

pytestmark = pytest.mark.slow
__all__ = ["fake", "rules_dir"]

OWNER = user(1, "Owner", "owner")


async def test_a_post_published_to_a_telegram_group(
    example_config: Config, tmp_path: Path, rules_dir: Path
) -> None:
    bot = await start_bot(example_config, tmp_path, rules_dir)
    try:
        fake = bot.fake
        steps = [
            (ADMIN, "/post new question_of_the_week"),
            (ADMIN, "/post fill 1 question What made you join us?"),
            (ADMIN, "/post approve 1"),
            (OWNER, "/post approve 1"),
            (ADMIN, "/post schedule 1 now"),
        ]
        for number, (who, words) in enumerate(steps, start=90):
            await fake.push(text_message(who, words, message_id=number))
        for count in range(5, 12):
            sent = await fake.wait_for("sendMessage", count)
            posted = [p for p in sent if p["text"].startswith("<b>Question of the week</b>")]
            if posted:
                break
        [post] = posted
        assert int(post["chat_id"]) == GROUP.id and "What made you join us?" in post["text"]
        labels = [b["text"] for row in post["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == ["👍 Useful", "👎 Not useful"]
        assert any("A second person approves" in p["text"] for p in sent)
    finally:
        await stop_bot(bot)


async def test_a_post_published_to_a_discord_channel(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> None:
    studio = Studio.settings_from(example_config).updated(approval="none")
    config = discord_config(example_config.with_section("studio", studio))
    bot = await start(config, fake, tmp_path / "d.sqlite3")
    try:
        for options in ({"action": "new", "details": "question_of_the_week"},
                        {"action": "fill", "number": "1", "details": "question Why us?"},
                        {"action": "schedule", "number": "1", "details": "now"}):  # fmt: skip
            command = fake.slash(MOD, "post", **options)
            await fake.dispatch("INTERACTION_CREATE", command)
            await fake.wait_for("POST", rf"/interactions/{command['id']}/[^/]+/callback")
        sent = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages", 2)
        assert "1/1: The question for the community?" in sent[0].json["content"].replace("\\", "")
        post = sent[1]  # the guided question first, then the post
        assert "Question of the week" in post.json["content"] and "Why us?" in post.json["content"]
        ids = [c["custom_id"] for row in post.json["components"] for c in row["components"]]
        assert ids == ["post.useful:1:y", "post.useful:1:n"]
        shown = next(m for m in fake.messages.values() if "Why us?" in m["content"])
        store = StudioStore(bot.app.db)
        for _ in range(500):  # the post's buttons are bound once publishing has finished
            stored = await store.get(1)
            if stored is not None and stored.status == "published":
                break
            await asyncio.sleep(0.01)
        for _ in range(2):
            click = fake.click(ALICE, "post.useful:1:y", shown)
            await fake.dispatch("INTERACTION_CREATE", click)
            [answer] = await fake.wait_for("POST", rf"/interactions/{click['id']}/[^/]+/callback")
        assert "already" in answer.json["data"]["content"]
    finally:
        await stop(bot)
