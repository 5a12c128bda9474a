"""One draft, several communities: channels of linked communities (any platform) are named
``platform:id/channel``; others are refused; the post goes to each, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.app import BotApp
from bot.config import Config
from cogs.studio import Studio


@pytest.fixture
def example_config(example_config: Config) -> Config:
    studio = Studio.settings_from(example_config).updated(
        linked=[["console:console", "console:other"]]
    )
    return example_config.with_section("studio", studio)


async def test_a_post_goes_to_linked_communities_only(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    app = make_app(example_config)
    platform = app.console_platform()
    await app.start()
    try:
        await platform.post("mod", "general", "/post new")
        await platform.post("mod", "general", "/post edit 1 Join the Friday call? https://x.org")
        await platform.post("mod", "general", "/post channels 1 general console:else/general")
        assert "not linked with this one" in platform.transcript[-1]
        await platform.post("mod", "general", "/post channels 1 general console:other/general")
        assert "Draft #1 goes to: general, console:other/general." in platform.transcript[-1]
        await platform.post("admin", "general", "/post approve 1")
        await platform.post("admin", "general", "/post schedule 1 now")
        await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=1))
        sends = [a for a in platform.actions if a.kind == "send"
                 and str(a.details["text"]).startswith("Join the Friday call?")]  # fmt: skip
        assert len(sends) == 2
    finally:
        await app.close()
