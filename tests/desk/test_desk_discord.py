"""The case flow on the real discord.py against the project's fake Discord: /ticket, the card
in the staff channel, a snippet answering the case, closing, and the member's rating."""

from __future__ import annotations

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
from tests.adapters.discord.test_e2e import Bot, discord_config, fake, start, stop

pytestmark = pytest.mark.slow
__all__ = ["fake"]  # the fixture, shared with the Discord end-to-end tests


@pytest.fixture
async def desk_bot(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> AsyncIterator[Bot]:
    desk = Desk.settings_from(example_config).updated(
        staff_channels={f"discord:{GUILD_ID}": MOD_CHANNEL_ID}
    )
    config = discord_config(example_config.with_section("desk", desk))
    started = await start(config, fake, tmp_path / "d.sqlite3")
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
