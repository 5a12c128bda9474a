"""The dispatcher through the neutral core and the in-memory platform."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import CommunityOverride, Config
from bot.core.clock import FakeClock
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed, MessagePosted
from bot.core.messages import Button, OutgoingMessage
from bot.core.permissions import Level
from bot.core.registry import Next
from bot.core.richtext import text
from tests.conftest import with_core


@pytest.fixture
async def app(core_config: Config, clock: FakeClock, db_url: str) -> AsyncIterator[BotApp]:
    bot = BotApp(core_config, clock=clock, database_url=db_url)
    await bot.start()
    yield bot
    await bot.close()


def add_feature(app: BotApp, name: str = "test") -> list[str]:
    """Register a small feature on a running app; returns the list it writes to."""
    seen: list[str] = []
    registry = app.registry
    registry.begin_feature(name)

    async def moderation(ctx: Context, call_next: Next) -> None:
        event = ctx.event
        if isinstance(event, MessagePosted) and "forbidden" in event.content:
            seen.append("blocked")
            return  # later middleware and handlers never see it
        seen.append(f"mw:{event.kind}")
        await call_next()

    async def on_message(ctx: Context) -> None:
        assert isinstance(ctx.event, MessagePosted)
        seen.append(f"message:{ctx.event.content}")
        if ctx.event.content == "crash":
            raise RuntimeError("bug in a feature")

    async def second_handler(ctx: Context) -> None:
        seen.append("second")

    async def kick(ctx: Context) -> None:
        seen.append(f"kick:{ctx.args['member'].id}:{ctx.args.get('reason')}")
        await ctx.reply("done", buttons=[Button("Undo", "test.undo", ctx.args["member"].id)])

    async def undo(ctx: Context) -> None:
        assert isinstance(ctx.event, ButtonPressed)
        seen.append(f"undo:{ctx.event.payload}")
        raise UserFacingError("command.unknown", name="undo")

    registry.add_middleware(100, moderation)
    registry.on(MessagePosted, on_message)
    registry.on(MessagePosted, second_handler)
    registry.command(
        CommandSpec(
            "kick",
            "help.description",
            (
                Param("member", ParamKind.MEMBER, "help.param.command"),
                Param("reason", ParamKind.TEXT, "help.param.command", required=False),
            ),
            level=Level.MODERATOR,
        ),
        kick,
    )
    registry.button("test.undo", undo)
    return seen


async def test_middleware_runs_first_and_can_stop_an_event(
    app: BotApp, platform: ConsolePlatform
) -> None:
    seen = add_feature(app)
    await platform.post("alice", "general", "hello")
    await platform.post("alice", "general", "forbidden word")
    assert seen == ["mw:message_posted", "message:hello", "second", "blocked"]


async def test_a_failing_handler_does_not_stop_the_others(
    app: BotApp, platform: ConsolePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    seen = add_feature(app)
    with caplog.at_level(logging.ERROR):
        await platform.post("alice", "general", "crash")
        await platform.post("alice", "general", "after")
    assert seen == [
        "mw:message_posted",
        "message:crash",
        "second",  # the other handler of the same event still ran
        "mw:message_posted",
        "message:after",
        "second",
    ]
    assert "feature test failed on message_posted" in caplog.text


async def test_command_levels_arguments_and_buttons(
    app: BotApp, platform: ConsolePlatform
) -> None:
    seen = add_feature(app)
    await platform.post("bob", "general", "hi")
    await platform.post("alice", "general", "/kick bob")  # alice is a plain member
    assert "/kick is for the moderator team" in platform.transcript[-1]
    await platform.post("mod", "general", "/kick")
    assert "Missing member. Usage: /kick <member> [reason]" in platform.transcript[-1]
    await platform.post("mod", "general", "/kick @nobody")
    assert "no such member" in platform.transcript[-1]
    await platform.post("mod", "general", "/kick @bob spamming links")
    assert seen[-1] == "kick:bob:spamming links"
    assert platform.transcript[-1] == "#general bot → mod: done [Undo]"
    await platform.press("mod", "Undo")
    assert seen[-1] == "undo:bob"
    assert "I don't know the command /undo" in platform.transcript[-1]  # UserFacingError text


async def test_reply_sets_the_command_target(app: BotApp, platform: ConsolePlatform) -> None:
    seen = add_feature(app)
    await platform.post("bob", "general", "spam spam")
    await platform.post("mod", "general", "/kick flooding", reply_to_member="bob")
    assert seen[-1] == "kick:bob:flooding"


async def test_unknown_command_and_expired_button(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/teleport now")
    assert "I don't know the command /teleport" in platform.transcript[-1]
    channel = platform.channel("general")
    await platform.send(channel, OutgoingMessage(text("old"), (Button("Gone", "gone.x"),)))
    await platform.press("alice", "Gone")
    assert "This button no longer works" in platform.transcript[-1]


async def test_locale_is_per_community(
    example_config: Config, clock: FakeClock, db_url: str
) -> None:
    overrides = {"console:console": CommunityOverride(locale="ru")}
    config = with_core(example_config, "community", overrides=overrides)
    app = BotApp(config, clock=clock, database_url=db_url)
    await app.start()
    try:
        platform = app.console_platform()
        await platform.post("alice", "general", "/help")
        assert "Команды, доступные здесь" in "\n".join(platform.transcript)
    finally:
        await app.close()
