"""Small value types: durations, rich text, buttons, clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import FakeClock, ensure_utc
from bot.core.durations import format_duration_compact, parse_duration
from bot.core.ids import MemberRef, Platform
from bot.core.messages import Button, ButtonStyle, PollSpec
from bot.core.richtext import Link, Mention, bold, italic, join_lines, text


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("90", 90), ("30s", 30), ("15m", 900), ("1h30m", 5400), ("2d", 172800), ("1W 1d", 691200),
     ("1ч30м", 5400), ("30წთ", 1800), ("2სთ", 7200), ("1დღე", 86400), ("1სთ 30წთ", 5400),
     ("45 წამი", 45), ("2 კვირა", 1209600), ("10 საათი", 36000)],
)  # fmt: skip
def test_parse_duration(raw: str, seconds: int) -> None:
    assert parse_duration(raw) == timedelta(seconds=seconds)
    assert parse_duration(format_duration_compact(timedelta(seconds=seconds))).total_seconds() == (
        seconds
    )


@pytest.mark.parametrize(
    "raw", ["", "0", "0s", "soon", "1x", "-5m", "1h and 2m", "30წ", "დღე", "0წთ", "5 წუთები"]
)
def test_parse_duration_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(raw)


def test_rich_text_plain_rendering() -> None:
    alice = MemberRef(Platform.CONSOLE, "alice")
    rich = text("Hi ", Mention(alice, "alice"), ", see ", Link("the FAQ", "https://x.test/faq"))
    rich = rich + text(" ", bold("now", italic("!")))
    assert rich.plain() == "Hi @alice, see the FAQ (https://x.test/faq) now!"
    assert join_lines(["a", text("b")]).plain() == "a\nb"


def test_button_data_limits() -> None:
    assert Button("OK", "faq.helped", "42").data == "faq.helped:42"
    assert Button.parse_data("faq.helped:42:x") == ("faq.helped", "42:x")
    with pytest.raises(ValueError, match="64 bytes"):
        Button("Long", "poll.vote", "ж" * 40)
    with pytest.raises(ValueError, match="without ':'"):
        Button("Bad", "a:b")
    with pytest.raises(ValueError, match="needs a url"):
        Button("Link", style=ButtonStyle.LINK)
    assert Button("Docs", url="https://x.test").url == "https://x.test"


def test_poll_spec_validation() -> None:
    with pytest.raises(ValueError):
        PollSpec("q", ("only one",))
    with pytest.raises(ValueError):
        PollSpec("q", ("a", "b"), correct_option=2)


def test_fake_clock() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = FakeClock(start)
    clock.advance(timedelta(minutes=5))
    assert clock.now() == start + timedelta(minutes=5)
    with pytest.raises(ValueError, match="backwards"):
        clock.set(start)
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2026, 1, 1))
