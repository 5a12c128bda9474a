"""The case flow on the real discord.py against the project's fake Discord: /ticket, the card
in the staff channel, a snippet answering the case, closing, and the member's rating; and the
same in a private thread the member is added to."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from cogs.desk import Desk
from cogs.desk.store import DeskStore
from tests.adapters.discord.fake_discord import (
    ALICE,
    BOB,
    CHANNEL_ID,
    GUILD_ID,
    MOD,
    MOD_CHANNEL_ID,
    FakeDiscord,
)
from tests.adapters.discord.test_e2e import Bot, bound, discord_config, fake, start, stop

pytestmark = pytest.mark.slow
__all__ = ["fake"]  # the fixture, shared with the Discord end-to-end tests


async def start_desk(
    fake: FakeDiscord, example_config: Config, tmp_path: Path, *, rooms: bool
) -> Bot:
    desk = Desk.settings_from(example_config).updated(
        staff_channels={f"discord:{GUILD_ID}": MOD_CHANNEL_ID}, private_rooms=rooms
    )
    config = discord_config(example_config.with_section("desk", desk))
    return await start(config, fake, tmp_path / "d.sqlite3")


@pytest.fixture
async def desk_bot(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> AsyncIterator[Bot]:
    """Cases in the channel where they were opened."""
    started = await start_desk(fake, example_config, tmp_path, rooms=False)
    yield started
    await stop(started)


@pytest.fixture
async def rooms_bot(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> AsyncIterator[Bot]:
    """Tickets in private threads."""
    started = await start_desk(fake, example_config, tmp_path, rooms=True)
    yield started
    await stop(started)


def plain(content: str) -> str:
    """Discord text without its Markdown escapes."""
    return content.replace("\\", "")


async def test_a_ticket_from_open_to_rated(desk_bot: Bot) -> None:
    fake = desk_bot.fake
    ticket = fake.slash(ALICE, "ticket", subject="my card was charged twice")
    await fake.dispatch("INTERACTION_CREATE", ticket)
    [ack] = await fake.wait_for("POST", rf"/interactions/{ticket['id']}/[^/]+/callback")
    assert "Case #1 is open" in plain(ack.json["data"]["content"])
    [card] = await fake.wait_for("POST", rf"/channels/{MOD_CHANNEL_ID}/messages")
    assert "Case #1 from Alice" in plain(card.json["content"])
    claim = [c["custom_id"] for row in card.json["components"] for c in row["components"]]
    assert claim == ["desk.claim:1"]
    answer = fake.slash(MOD, "snippet", id="hello", number="1")
    await fake.dispatch("INTERACTION_CREATE", answer)
    [reply] = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert "Hi Alice, " in plain(reply.json["content"])
    await fake.wait_for("POST", rf"/interactions/{answer['id']}/[^/]+/callback")
    close = fake.slash(MOD, "desk", action="close", number="1", details="refunded")
    await fake.dispatch("INTERACTION_CREATE", close)
    await fake.wait_for("POST", rf"/interactions/{close['id']}/[^/]+/callback")
    posts = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages", 2)
    closing = posts[-1]
    assert "Case #1 is closed (refunded)" in plain(closing.json["content"])
    asked = next(m for m in fake.messages.values() if "closed (refunded)" in plain(m["content"]))
    await bound(desk_bot, asked, "desk.rate:1:1")
    someone = fake.click(BOB, "desk.rate:1:1", asked)
    await fake.dispatch("INTERACTION_CREATE", someone)
    [refused] = await fake.wait_for("POST", rf"/interactions/{someone['id']}/[^/]+/callback")
    assert "Only the member who opened this case" in refused.json["data"]["content"]
    rate = fake.click(ALICE, "desk.rate:1:4", asked)
    await fake.dispatch("INTERACTION_CREATE", rate)
    [thanks] = await fake.wait_for("POST", rf"/interactions/{rate['id']}/[^/]+/callback")
    assert "Thank you for rating it 4 out of 5!" in thanks.json["data"]["content"]
    case = await DeskStore(desk_bot.app.db).get(1)
    assert case is not None and case.first_response_at is not None
    assert (case.status, case.satisfaction) == ("closed", 4)


async def test_a_ticket_in_a_private_thread(rooms_bot: Bot) -> None:
    fake = rooms_bot.fake
    ticket = fake.slash(ALICE, "ticket", subject="my card was charged twice")
    await fake.dispatch("INTERACTION_CREATE", ticket)
    [created] = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/threads")
    assert (created.json["type"], created.json["invitable"]) == (12, False)
    [thread_id] = fake.threads
    await fake.wait_for("PUT", rf"/channels/{thread_id}/thread-members/{ALICE['id']}")
    [ack] = await fake.wait_for("POST", rf"/interactions/{ticket['id']}/[^/]+/callback")
    assert "continue in the private thread" in plain(ack.json["data"]["content"])
    [intro] = await fake.wait_for("POST", rf"/channels/{thread_id}/messages")
    assert "this private thread is between you and the support team" in plain(
        intro.json["content"]
    )
    channel = {"channel_id": thread_id}
    # discord.py handles gateway events concurrently: each is recorded before the next.
    store = DeskStore(rooms_bot.app.db)

    async def recorded(count: int) -> None:
        for _ in range(500):
            if len(await store.transcript(1)) >= count:
                return
            await asyncio.sleep(0.01)

    await fake.dispatch("MESSAGE_CREATE", fake.message(ALICE, "since May", **channel))
    await recorded(2)
    await fake.dispatch("MESSAGE_CREATE", fake.message(MOD, "Refunded it", **channel))
    await recorded(3)
    close = fake.slash(MOD, "desk", action="close", details="refunded")
    close.update(channel_id=thread_id, channel={"id": thread_id, "type": 12})
    await fake.dispatch("INTERACTION_CREATE", close)
    await fake.wait_for("POST", rf"/interactions/{close['id']}/[^/]+/callback")
    posts = await fake.wait_for("POST", rf"/channels/{thread_id}/messages", 2)
    assert "Case #1 is closed (refunded)" in plain(posts[-1].json["content"])
    assert not fake.called("PATCH", rf"/channels/{thread_id}")  # the member may still rate
    asked = next(m for m in fake.messages.values() if "closed (refunded)" in plain(m["content"]))
    await bound(rooms_bot, asked, "desk.rate:1:5")
    rate = fake.click(ALICE, "desk.rate:1:5", asked)
    await fake.dispatch("INTERACTION_CREATE", rate)
    [thanks] = await fake.wait_for("POST", rf"/interactions/{rate['id']}/[^/]+/callback")
    assert "Thank you for rating it 5 out of 5!" in thanks.json["data"]["content"]
    case = await DeskStore(rooms_bot.app.db).get(1)
    assert case is not None and case.first_response_at is not None
    assert (case.status, case.satisfaction, case.room_thread) == ("closed", 5, thread_id)
    transcript = await DeskStore(rooms_bot.app.db).transcript(1)
    assert [row.role for row in transcript][:3] == ["member", "member", "staff"]
