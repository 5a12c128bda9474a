"""/calendar through the neutral core: planned posts, the weekly digest beside them, and the
warnings (a post competing with the digest, two heavy posts in a row, a silent stretch)."""

from __future__ import annotations

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from tests.conftest import since


async def plan(platform: ConsolePlatform, number: int, template: str, when: str) -> None:
    await platform.post("mod", "general", f"/post new {template}")
    await platform.post("mod", "general", f"/post edit {number} A long read about setup?")
    await platform.post("admin", "general", f"/post approve {number}")
    await platform.post("admin", "general", f"/post schedule {number} {when}")


async def test_the_calendar_shows_the_digest_and_its_warnings(
    app: BotApp, platform: ConsolePlatform
) -> None:
    # The fixture clock: Friday 2026-11-27 14:00 in Tbilisi; the digest goes out Mondays 10:00.
    await plan(platform, 1, "how_it_works", "2026-11-30 11:00")
    await plan(platform, 2, "how_it_works", "2026-11-30 18:00")
    await plan(platform, 3, "question_of_the_week", "2026-12-07 12:00")
    await platform.post("helper", "general", "/calendar")
    shown = since(platform, "/calendar")
    assert "📰 the weekly digest" in shown
    assert "post #1 goes out within two hours of the weekly digest" in shown
    assert "heavy posts #1 and #2 come right after each other" in shown
    assert "6 days without a post between #2 and #3" in shown
    assert shown.count("📚") == 2


async def test_preview_shows_how_each_platform_carries_the_post(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("mod", "general", "/post new")
    await platform.post("mod", "general", "/post edit 1 " + "word " * 500 + "?")
    await platform.post("mod", "general", "/post preview 1")
    shown = since(platform, "/post preview 1")
    assert "Telegram (up to 4096 a message): 1 message" in shown
    assert "Discord (up to 2000 a message): 2 messages" in shown
    assert "[👍 Useful] [👎 Not useful]" in shown


async def test_a_draft_filled_by_replying_to_the_bot_s_questions(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("mod", "general", "/post new myth_vs_fact")
    assert "1/3: The myth, as people say it?" in platform.transcript[-1]
    await platform.post("bob", "general", "not the author's answer", reply_to_member="bot")
    assert "1/3" in platform.transcript[-2]  # ignored: only the author fills the draft
    await platform.post("mod", "general", "Cats always land on their feet",
                        reply_to_member="bot")  # fmt: skip
    assert "2/3: What is true, in two or three sentences?" in platform.transcript[-1]
    await platform.post("mod", "general", "They often do, not always.", reply_to_member="bot")
    await platform.post("mod", "general", "https://docs.example.org/cats", reply_to_member="bot")
    assert "every field is filled" in platform.transcript[-1]
    await platform.post("mod", "general", "/post preview 1")
    shown = since(platform, "/post preview 1")
    assert "Myth: Cats always land on their feet" in shown and "not the author" not in shown


async def test_a_help_route_answers_once_a_day_on_the_community_s_clock(
    app: BotApp, platform: ConsolePlatform
) -> None:
    from datetime import timedelta

    from bot.core.clock import FakeClock

    for words in ("any casino tonight?", "and the CASINO after?"):
        await platform.post("carol", "general", words)
    assert sum("you are not alone" in line for line in platform.transcript) == 1
    assert isinstance(app.clock, FakeClock)
    app.clock.advance(timedelta(days=1, minutes=1))  # a simulated day: not the process's time
    await platform.post("carol", "general", "казино ещё работает?")
    assert sum("you are not alone" in line for line in platform.transcript) == 2
