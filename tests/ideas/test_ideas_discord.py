"""Ideas on the real discord.py against the project's fake Discord: /idea posts a card with its
buttons, a vote (the author's own refused), and a status change sent to author and voter
privately."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from cogs.ideas.store import IdeaStore
from tests.adapters.discord.fake_discord import ALICE, BOB, CHANNEL_ID, MOD, FakeDiscord
from tests.adapters.discord.test_e2e import Bot, bound, discord_config, fake, start, stop

pytestmark = pytest.mark.slow
__all__ = ["fake"]


@pytest.fixture
async def ideas_bot(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> AsyncIterator[Bot]:
    started = await start(discord_config(example_config), fake, tmp_path / "d.sqlite3")
    yield started
    await stop(started)


async def test_an_idea_voted_and_its_status_sent_privately(ideas_bot: Bot) -> None:
    fake = ideas_bot.fake
    idea = fake.slash(ALICE, "idea", text="Dark theme | easier at night")
    await fake.dispatch("INTERACTION_CREATE", idea)
    [card] = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert "Idea #1: Dark theme" in card.json["content"].replace("\\", "")
    ids = [c["custom_id"] for row in card.json["components"] for c in row["components"]]
    assert ids == ["idea.vote:1", "idea.follow:1"]
    shown = next(m for m in fake.messages.values() if "Idea #1" in m["content"].replace("\\", ""))
    await bound(ideas_bot, shown, "idea.vote:1")
    own = fake.click(ALICE, "idea.vote:1", shown)
    await fake.dispatch("INTERACTION_CREATE", own)
    [refused] = await fake.wait_for("POST", rf"/interactions/{own['id']}/[^/]+/callback")
    assert "cannot vote for your own idea" in refused.json["data"]["content"]
    vote = fake.click(BOB, "idea.vote:1", shown)
    await fake.dispatch("INTERACTION_CREATE", vote)
    await fake.wait_for("POST", rf"/interactions/{vote['id']}/[^/]+/callback")
    assert await IdeaStore(ideas_bot.app.db).voters(1) == [BOB["id"]]
    status = fake.slash(MOD, "ideas", action="status", number="1", details="planned next month")
    await fake.dispatch("INTERACTION_CREATE", status)
    opened = await fake.wait_for("POST", r"/users/@me/channels", 2)
    assert sorted(str(c.json["recipient_id"]) for c in opened) == sorted([ALICE["id"], BOB["id"]])
    # The card, then the two private notices (their order is the platform's).
    posts = await fake.wait_for("POST", r"/channels/\d+/messages", 3)
    notes = [c for c in posts if "planned" in (c.json or {}).get("content", "")]
    assert len(notes) == 2 and all("next month" in c.json["content"] for c in notes)
