"""The dispatcher and the feature binding on their own: no database, no migrations."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.dispatcher import Dispatcher
from bot.core.events import MessagePosted
from bot.core.feature import Feature, NoSettings, button, command, middleware, on
from bot.core.payloads import ButtonData
from bot.core.permissions import Level
from bot.core.registry import Next, Registry
from bot.features import bind
from bot.i18n import translator
from tests.conftest import START

ECHO = CommandSpec("echo", "help.description", (Param("times", ParamKind.INTEGER,
                   "help.param.command", min_value=1, max_value=3),), Level.HELPER)  # fmt: skip


class Again(ButtonData):
    action = "echo.again"
    times: int


class Echo(Feature[NoSettings]):
    name = "echo"
    seen: list[str]

    @middleware(10)
    async def hush(self, ctx: Context, call_next: Next) -> None:
        if isinstance(ctx.event, MessagePosted) and ctx.event.content == "secret":
            self.seen.append("hushed")
            return
        await call_next()

    @on(MessagePosted)
    async def heard(self, ctx: Context) -> None:
        assert isinstance(ctx.event, MessagePosted)
        self.seen.append(f"heard:{ctx.event.content}")
        if ctx.event.content == "boom":
            raise RuntimeError("a bug in a feature")

    @command(ECHO)
    async def echo(self, ctx: Context) -> None:
        times = int(ctx.args["times"])
        self.seen.append(f"echo:{times}")
        await ctx.reply("echo " * times, buttons=[Again(times=times).button("Again")])

    @button(Again)
    async def again(self, ctx: Context, data: Again) -> None:
        self.seen.append(f"again:{data.times}")


class NoScheduler:
    def on_deadline(self, kind: str, handler: Any) -> None:
        raise AssertionError("no deadlines here")

    def add_recurring(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("no recurring jobs here")


@pytest.fixture
def wired() -> tuple[Echo, ConsolePlatform]:
    clock = FakeClock(START)
    registry = Registry()
    tz = Config().community.timezone
    services = Services(Config(), cast(Any, None), clock, cast(Any, NoScheduler()), registry,
                        lambda community: (translator("en"), tz))  # fmt: skip

    async def carried(message: object, data: str) -> bool:
        return data.startswith(Again.action)  # what the app's button bindings would say

    services.carries = carried
    feature = Echo(services, NoSettings())
    feature.seen = []
    bind(feature, services)
    dispatcher = Dispatcher(registry, services, services.locale_for)
    platform = ConsolePlatform(clock=clock, levels={"helper": Level.HELPER})
    platform.connect(lambda event: dispatcher.dispatch(event, platform))
    return feature, platform


async def test_middleware_handlers_commands_and_buttons(
    wired: tuple[Echo, ConsolePlatform], caplog: pytest.LogCaptureFixture
) -> None:
    feature, platform = wired
    await platform.post("alice", "general", "hello")
    await platform.post("alice", "general", "secret")
    await platform.post("alice", "general", "boom")  # logged, nothing else breaks
    await platform.post("alice", "general", "/echo 2")  # a member: refused by level
    await platform.post("helper", "general", "/echo 9")  # out of range: told why
    await platform.post("helper", "general", "/echo 2")
    await platform.press("alice", "Again")
    assert feature.seen == ["heard:hello", "hushed", "heard:boom", "echo:2", "again:2"]
    transcript = "\n".join(platform.transcript)
    assert "/echo is for" in transcript and "at most 3" in transcript
    assert any("feature echo failed" in r.getMessage() for r in caplog.records)
    assert all(r.levelno < logging.CRITICAL for r in caplog.records)
