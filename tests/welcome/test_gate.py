"""The rules gate and batched welcomes, through the neutral core."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from cogs.welcome.settings import OnboardingSettings


def kinds(platform: ConsolePlatform, kind: str) -> list[str]:
    return [a.details.get("member", "") for a in platform.actions if a.kind == kind]


async def test_newcomer_cannot_post_until_accepting(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.join("nina")
    await platform.post("nina", "general", "hello?")
    assert (
        platform.transcript[-1] == "! nina is muted until further notice; the message was not sent"
    )
    await platform.post("nina", "general", "/rules")  # reading the rules still works
    assert "1. Be respectful" in "\n".join(platform.transcript[-6:])
    await platform.press("nina", "Rules")  # and so does the button (Telegram: no /rules)
    assert "1. Be respectful" in "\n".join(platform.transcript[-6:])
    await platform.press("nina", "I accept the rules")
    assert kinds(platform, "unmute") == ["nina"]
    await platform.post("nina", "general", "hello!")
    assert platform.transcript[-1] == "#general nina: hello!"
    await platform.press("nina", "I accept the rules")
    assert "You're already in" in platform.transcript[-1]


async def test_who_never_accepts_is_removed_and_the_welcome_deleted(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.join("ghost")
    await platform.join("nina")
    await platform.press("nina", "I accept the rules")
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=29))
    assert kinds(platform, "kick") == []
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=2))
    assert kinds(platform, "kick") == ["ghost"]  # kicked, not banned: they may come back
    assert kinds(platform, "ban") == []
    deleted = [a.details["message"].id for a in platform.actions if a.kind == "delete"]
    assert len(deleted) == 1
    assert "Welcome, @ghost" in platform.messages[deleted[0]].text


async def test_thirty_joins_get_one_batched_welcome(
    app: BotApp, platform: ConsolePlatform
) -> None:
    for n in range(30):
        await platform.join(f"m{n}")
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=2))
    welcomes = [line for line in platform.transcript if "#general bot: Welcome" in line]
    # The first three were greeted one by one before the burst showed; their welcomes are
    # cleaned up and everyone is greeted in one message.
    assert "Welcome to our 30 new members" in welcomes[-1]
    deleted = [a.details["message"].id for a in platform.actions if a.kind == "delete"]
    assert len(deleted) == 3 and len(welcomes) == 4
    shown = [
        m
        for m in platform.messages.values()
        if m.from_bot and not m.deleted and m.text.startswith("Welcome")
    ]
    assert len(shown) == 1
    # Thirty joins in a minute also started raid mode: accepting the rules does not let a
    # member who joined during it post; lifting raid mode does (for those who accepted).
    assert any("Raid mode is on" in line for line in platform.transcript)
    await platform.press("m20", "I accept the rules")
    assert kinds(platform, "unmute") == []
    assert "a moderator will let you post shortly" in platform.transcript[-1]
    await platform.press("m2", "I accept the rules")  # joined before raid mode began
    assert kinds(platform, "unmute") == ["m2"]
    await platform.post("mod", "general", "/raid off")
    assert kinds(platform, "unmute") == ["m2", "m20"]  # the others still wait at the gate


async def test_question_stops_bots(example_config: Config, clock: FakeClock, db_url: str) -> None:
    onboarding = OnboardingSettings(
        question="What is rule 1 about?", answers=["Respect"], decoys=["Memes", "Money"]
    )
    app = BotApp(
        example_config.with_section("onboarding", onboarding),
        clock=clock,
        database_url=db_url,
    )
    await app.start()
    try:
        platform = app.console_platform()
        await platform.join("nina")
        await platform.press("nina", "I accept the rules")
        assert "One quick question first: What is rule 1 about?" in "\n".join(platform.transcript)
        await platform.press("nina", "Money")
        assert "That's not it" in platform.transcript[-1]
        assert kinds(platform, "unmute") == []
        await platform.press("nina", "Respect")
        assert kinds(platform, "unmute") == ["nina"]
    finally:
        await app.close()


async def test_own_welcome_text(example_config: Config, clock: FakeClock, db_url: str) -> None:
    onboarding = OnboardingSettings(welcome={
        "en": "Hi {name}! {community} is glad. {within} left.",
        "telegram:-100123": "Only for that group, {name}.",
    })  # fmt: skip
    app = BotApp(
        example_config.with_section("onboarding", onboarding),
        clock=clock,
        database_url=db_url,
    )
    await app.start()
    try:
        platform = app.console_platform()
        await platform.join("nina")
        assert (
            "#general bot: Hi @nina! Example Community is glad. 30 minutes left. "
            "[I accept the rules] [📜 Rules]"
        ) in platform.transcript
    finally:
        await app.close()


def test_welcome_placeholders_are_checked() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="unknown placeholder"):
        OnboardingSettings(welcome={"en": "Hi {nickname}"})
    with pytest.raises(ValidationError, match="no translations for locale"):
        OnboardingSettings(welcome={"xx": "Hi"})
