"""Forged button presses and broken or unknown deadline rows: a clear log line, a polite
refusal where someone pressed, and no crash."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.core.events import ButtonPressed
from bot.core.ids import CommunityRef, Platform
from bot.storage import schema
from cogs.polls.api import polls, votes


async def press(app: BotApp, platform: ConsolePlatform, action: str, payload: str) -> None:
    latest = next(reversed(platform.messages.values()))
    await app.dispatcher.dispatch(
        ButtonPressed(
            community=platform.community, occurred_at=app.clock.now(),
            channel=latest.ref.channel, message=latest.ref, member=platform.actor("mallory"),
            action=action, payload=payload,
        ),
        app.services.ports[Platform.CONSOLE],
    )  # fmt: skip


async def vote_rows(app: BotApp) -> int:
    async with app.db.read() as conn:
        return len((await conn.execute(select(votes))).all())


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("poll.vote", "abc/zz"),
        ("poll.vote", "1/99"),
        ("poll.vote", "99999/0"),
        ("poll.vote", "1/0/extra"),
        ("poll.vote", "-1/0"),
        ("faq.vote", "1:maybe"),
        ("onboarding.answer", "x" * 200),
        ("mod.warn", "console/notanumber"),
        ("no.such.action", "1"),
    ],
)
async def test_forged_presses_are_refused(
    app: BotApp, platform: ConsolePlatform, action: str, payload: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    await platform.post("alice", "general", "/poll 1h Lunch? | Pizza | Pasta")
    caplog.set_level(logging.INFO)
    await press(app, platform, action, payload)
    assert await vote_rows(app) == 0
    assert any("expired" in line or "no longer" in line for line in platform.transcript[-1:])
    assert any(action in record.getMessage() for record in caplog.records)
    assert not any(record.levelno >= logging.ERROR for record in caplog.records)


async def test_a_vote_button_from_another_community_is_refused(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/poll 1h Lunch? | Pizza | Pasta")
    async with app.db.transaction() as conn:  # the poll now belongs to another group
        await conn.execute(polls.update().values(community="elsewhere"))
    await press(app, platform, "poll.vote", "1/0")
    assert await vote_rows(app) == 0


async def test_unknown_and_broken_deadlines_are_logged_not_fatal(
    app: BotApp, caplog: pytest.LogCaptureFixture
) -> None:
    now = app.clock.now()
    await app.scheduler.schedule("gone.feature", "k1", now, {"x": 1})
    await app.scheduler.schedule("poll.close", "k2", now, {"poll": "not a number"})
    caplog.set_level(logging.INFO)
    await app.scheduler.advance_to(now + timedelta(seconds=1))
    assert await app.scheduler.report_unhandled() == {"gone.feature": 1}  # as at start-up
    messages = [record.getMessage() for record in caplog.records]
    assert any("no handler for deadline kind 'gone.feature' here (1 pending)" in m
               for m in messages)  # fmt: skip
    assert any("deadline poll.close/k2 dropped" in m for m in messages)
    async with app.db.read() as conn:
        rows = (await conn.execute(select(schema.deadlines))).mappings().all()
    state = {row["key"]: row["done_at"] for row in rows}
    assert state["k2"] is not None  # a payload that cannot parse is not retried forever
    assert state["k1"] is None  # kept for when its feature is enabled again


def test_community_key_in_config_is_parsed_once(app: BotApp) -> None:
    from cogs.digest import Digest

    settings = Digest.settings_from(app.config)
    assert CommunityRef(Platform.CONSOLE, "console") in settings.channels


async def test_a_real_button_under_another_message_is_refused(
    app: BotApp, platform: ConsolePlatform
) -> None:
    """Button data is bound to the message it was sent with: a genuine payload copied under
    another message (another poll, another chat) never reaches a handler."""
    await platform.post("alice", "general", "/poll 1h Lunch? | Pizza | Pasta")
    first = next(reversed(platform.messages.values()))
    copied = first.buttons[0]
    await platform.post("bob", "general", "/poll 1h Tea? | Yes | No")
    second = next(reversed(platform.messages.values()))
    assert second.ref != first.ref
    await app.dispatcher.dispatch(
        ButtonPressed(
            community=platform.community, occurred_at=app.clock.now(),
            channel=second.ref.channel, message=second.ref, member=platform.actor("mallory"),
            action=copied.action, payload=copied.payload,
        ),
        app.services.ports[Platform.CONSOLE],
    )  # fmt: skip
    assert await vote_rows(app) == 0
    assert "no longer works" in platform.transcript[-1]
    await platform.press("mallory", copied.label)  # the same data under its own message
    assert await vote_rows(app) == 1


@pytest.mark.parametrize(
    "content",
    [
        "you are an idiot \ud800",  # a JSON escape no encoder can write
        b"how do I reset \xff my password?".decode("utf-8", "surrogateescape"),
    ],
)
async def test_lone_surrogates_in_a_message_do_not_break_any_feature(
    app: BotApp, platform: ConsolePlatform, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    with caplog.at_level(logging.ERROR):
        await platform.post("mallory", "general", content)
        await app.services.lanes.drain()
        await app.eventlog.flush()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    out = "\n".join(platform.transcript)
    assert "Something went wrong" not in out
    assert ("deleted" in out or "warning" in out) if "idiot" in content else "password" in out


def test_valid_text_keeps_valid_text_and_replaces_only_surrogates() -> None:
    from bot.core.unicode import valid_text

    assert valid_text("plain") == "plain"
    assert valid_text("😀 ქართული") == "😀 ქართული"
    assert valid_text("a\ud800b\udcff") == "a\ufffdb\ufffd"
