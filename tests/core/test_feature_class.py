"""A feature class is its manifest: decorators are collected at definition, mixins included."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import MemberJoined, MessagePosted
from bot.core.feature import Feature, NoSettings, Recurring, command, on, recurring
from bot.core.settings import FeatureSettings

PING = CommandSpec("ping", "help.description")


class Greeting(Feature[NoSettings]):
    @on(MemberJoined)
    async def greet(self, ctx: Context) -> None: ...


class Sample(Greeting):
    name = "sample"

    @command(PING)
    async def ping(self, ctx: Context) -> None: ...

    @on(MessagePosted, MemberJoined)
    async def watch(self, ctx: Context) -> None: ...

    def nightly(self) -> list[Recurring]:
        return []

    @recurring("nightly")
    async def tidy(self, slot: datetime, target: Any) -> None: ...


def test_declarations_are_collected_with_mixins() -> None:
    kinds = sorted((d.kind, d.method) for d in Sample.declarations)
    assert kinds == [("command", "ping"), ("on", "greet"), ("on", "watch"), ("recurring", "tidy")]
    assert Sample.section == "sample" and Sample.Settings is NoSettings


def test_settings_model_comes_from_the_generic_argument() -> None:
    class Knobs(FeatureSettings):
        level: int = 3

    class Tuned(Feature[Knobs]):
        name = "tuned"

    assert Tuned.Settings is Knobs


def test_mistakes_are_found_when_the_class_is_defined() -> None:
    with pytest.raises(TypeError, match="must be async"):

        class Sync(Feature[NoSettings]):
            @command(PING)
            def ping(self, ctx: Context) -> None: ...

    with pytest.raises(TypeError, match="no method 'missing'"):

        class NoSchedule(Feature[NoSettings]):
            @recurring("missing")
            async def run(self, slot: datetime, target: Any) -> None: ...
