"""What a poll or quiz tells members matches what it does, in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config


def latest(platform: ConsolePlatform, count: int = 6) -> str:
    return "\n".join(platform.transcript[-count:])


async def test_a_quiz_says_its_answer_is_final_and_a_try_cannot_change_it(
    platform: ConsolePlatform,
) -> None:
    await platform.post("mod", "general", "/quiz 1h Capital of France? | Berlin | *Paris")
    posted = latest(platform, 3)
    assert "one try, it cannot be changed" in posted and "change it until" not in posted
    await platform.press("bob", "Berlin")
    await platform.press("bob", "Paris")
    assert "already answered" in platform.transcript[-1]


async def test_a_reaction_poll_asks_for_a_reaction_not_a_press(platform: ConsolePlatform) -> None:
    await platform.post("mod", "general", "/poll --reactions 1h Tea? | yes | no")
    posted = latest(platform, 4)
    assert "React with the emoji of your answer" in posted and "Press" not in posted


async def test_anonymous_says_what_it_changes(platform: ConsolePlatform) -> None:
    await platform.post("mod", "general", "/poll --anonymous 1h Tea? | yes | no")
    assert "Anonymous poll" in latest(platform, 4)
    await platform.post("mod", "general", "/poll 1h Coffee? | yes | no")
    assert "Anonymous" not in latest(platform, 4)


@pytest.mark.parametrize("raw", ["1m Q? | *a", "1h just words", "1h Q? | a | b"])
async def test_a_malformed_quiz_gets_the_quiz_usage(platform: ConsolePlatform, raw: str) -> None:
    await platform.post("mod", "general", f"/quiz {raw}")
    assert "Write a quiz as: /quiz" in platform.transcript[-1]


async def test_help_poll_documents_the_default_duration_and_the_flags(
    platform: ConsolePlatform,
) -> None:
    await platform.post("mod", "general", "/help poll")
    text = latest(platform, 3)
    assert "1 day if left out" in text and "--anonymous" in text


async def test_russian_hints(example_config: Config, make_app: Callable[..., BotApp]) -> None:
    config = example_config.model_copy(
        update={"community": example_config.community.model_copy(update={"locale": "ru"})}
    )
    app = make_app(config)
    await app.start()
    try:
        platform = app.console_platform()
        await platform.post("mod", "general", "/quiz 1h Столица Франции? | Берлин | *Париж")
        assert "одна попытка, изменить нельзя" in latest(platform, 3)
    finally:
        await app.close()
