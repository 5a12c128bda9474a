"""Results go out at most once: a retried closing finds the post it already made; a post the
platform refused is tried again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from cogs.polls.store import PollStore


def results(platform: ConsolePlatform) -> list[str]:
    return [line for line in platform.transcript if "📊 Results" in line]


async def test_dying_between_posting_and_recording_posts_once(
    app: BotApp, platform: ConsolePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    await platform.post("alice", "general", "/poll 1m Lunch? | Pizza | Pasta")

    async def crash(self: PollStore, poll_id: int, message: str) -> None:
        raise RuntimeError("the process died right after posting")

    monkeypatch.setattr(PollStore, "set_results_message", crash)
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=2))
    assert len(results(platform)) == 1
    monkeypatch.undo()
    await app.scheduler.advance_to(app.clock.now() + timedelta(hours=1))  # the retries
    assert len(results(platform)) == 1


async def test_a_refused_post_is_tried_again(
    app: BotApp, platform: ConsolePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    await platform.post("alice", "general", "/poll 1m Lunch? | Pizza | Pasta")
    real = ConsolePlatform.send
    calls = {"n": 0}

    async def refuse_once(self: ConsolePlatform, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("429: try later")
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(ConsolePlatform, "send", refuse_once)
    await app.scheduler.advance_to(app.clock.now() + timedelta(seconds=65))
    assert results(platform) == [] and calls["n"] == 1
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=5))
    assert len(results(platform)) == 1
