"""What moderators read: one definition of each number, no rate above 100 %, no page of 0 %."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.core.ids import CommunityRef, Platform
from bot.i18n import translator
from cogs.digest.figures import Metrics
from cogs.digest.metrics import compute
from cogs.digest.report import headline

END = datetime(2026, 11, 30, 6, tzinfo=UTC)
CONSOLE = CommunityRef(Platform.CONSOLE, "console")


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_fresh_install_says_there_is_not_enough_data(locale: str) -> None:
    text = headline(translator(locale), Metrics(END - timedelta(days=7), END), timedelta(days=7))
    plain = text.plain()
    assert "0%" not in plain and "(0 " not in plain
    assert ("Not enough data yet" if locale == "en" else "недостаточно данных") in plain


def test_a_short_period_gets_its_own_line_and_says_its_length() -> None:
    metrics = Metrics(END - timedelta(hours=12), END, members=4, members_28d=4,
                      members_in_period=4, communicators=1, engaged=2)  # fmt: skip
    plain = headline(translator("en"), metrics, timedelta(hours=12)).plain()
    assert "period: 12 hours" in plain
    assert "Active (posted) in this period: 25% (1 of 4); engaged: 50%" in plain
    assert "in the last 7 days" in plain and "in the last 28 days" in plain


async def test_a_next_step_taken_by_many_is_still_at_most_100_percent(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("mod", "general", "/poll 1h Pizza or sushi? | Pizza | Sushi")
    for voter, choice in (("bob", "Pizza"), ("carol", "Sushi"), ("dave", "Pizza")):
        await platform.press(voter, choice)
    await app.eventlog.flush()
    metrics = await compute(app.db, CONSOLE, app.clock.now() + timedelta(seconds=1))
    assert metrics.bot_posts_with_step >= 1 and metrics.step_takers >= 3
    assert 0 < metrics.next_step_conversion <= 1.0
    assert metrics.bot_posts_taken == 1


async def test_stats_rejects_a_bare_number_in_the_members_language(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("mod", "general", "/stats 7")
    assert "7 seconds is not a period I can report on" in platform.transcript[-1]
    await platform.post("mod", "general", "/stats soon")
    assert "not a duration; write a number and a unit" in platform.transcript[-1]


def test_a_bad_argument_reason_is_in_the_readers_language() -> None:
    from bot.i18n import Text

    t = translator("ru")
    rendered = t("command.bad_argument", name="duration", value="скоро",
                 reason=Text("command.reason.duration"), usage="/stats")  # fmt: skip
    assert "это не длительность" in rendered and "not a duration" not in rendered
