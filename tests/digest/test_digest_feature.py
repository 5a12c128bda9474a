"""Digest sections, the hero confirmation, buttons, metrics and the CLI through the core."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.cli import main
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.ids import CommunityRef, Platform
from cogs.digest import Digest
from cogs.digest.metrics import compute

ROOT = Path(__file__).resolve().parents[2]
MONDAY_10 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # 10:00 in Tbilisi
CONSOLE = CommunityRef(Platform.CONSOLE, "console")


def with_digest(config: Config, **changes: object) -> Config:
    return config.with_section("digest", Digest.settings_from(config).updated(**changes))


async def helpful_week(platform: ConsolePlatform) -> None:
    await platform.post("bob", "general", "how do I export my data?")
    await platform.post("alice", "general", "Settings, then Export", reply_to_member="bob")
    for reactor in ("bob", "carol", "dave"):
        await platform.react(reactor, "👍", "alice")


async def test_every_section_with_its_next_step(app: BotApp, platform: ConsolePlatform) -> None:
    await helpful_week(platform)
    await platform.post("alice", "general", "/poll 1h Pizza or sushi? | Pizza | Sushi")
    await platform.press("bob", "Pizza")
    await platform.press("carol", "Sushi")
    await platform.press("dave", "Pizza")
    await platform.post("mod", "general", "/ama open 1h Our roadmap")
    await platform.post("bob", "general", "/ask When is the next release?")
    await platform.press("carol", "Upvote")
    await platform.post("mod", "general", "/digest topic Friday AMA with the design team")
    assert "Next topic set" in platform.transcript[-1]
    await app.scheduler.advance_to(MONDAY_10 + timedelta(minutes=1))
    out = "\n".join(platform.transcript)
    assert out.count("📰 Weekly digest") == 1
    expected_lines = (
        "Hero of the week", "alice answered bob — 3 members reacted",
        "“Pizza or sushi?”: Pizza (2 of 3 voters)", "“Our roadmap” with mod",
        "Next up: Friday AMA with the design team", "[📊 Start a poll]",
        "[🎤 Ask at the next AMA]", "[✋ I'm in]", "[❓ Ask the community]",
    )  # fmt: skip
    for expected in expected_lines:
        assert expected in out, expected
    await platform.press("erin", "Start a poll")
    assert "/poll 1d" in platform.transcript[-1]
    await platform.press("erin", "Thank alice")
    assert "Your thanks reach alice" in platform.transcript[-1]
    assert "Weekly report for moderators" in out  # the moderators' report in #mod-log
    [report] = [a for a in platform.actions if a.kind == "send" and a.details.get("attachment")]
    assert report.details["channel"] == "mod-log"
    assert report.details["attachment"].data.startswith(b"\x89PNG")
    assert "[image weekly-report.png" in out


async def test_quiet_week_posts_nothing(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("bob", "general", "hello")
    await app.scheduler.advance_to(MONDAY_10 + timedelta(minutes=1))
    assert not any("📰 Weekly digest" in line for line in platform.transcript)


async def test_preview_for_moderators_only(app: BotApp, platform: ConsolePlatform) -> None:
    await helpful_week(platform)
    await platform.post("mod", "general", "/digest preview")
    assert "Hero of the week" in "\n".join(platform.transcript[-8:])
    await platform.post("bob", "general", "/digest preview")
    assert "/digest is for the moderator team" in platform.transcript[-1]


async def test_preview_shows_the_next_scheduled_digest_not_the_last_seven_days(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await helpful_week(platform)  # Friday: alice helps bob
    await platform.post("mod", "general", "/digest preview")
    previewed = "\n".join(platform.transcript[-8:])
    before = len(platform.transcript)
    await app.scheduler.advance_to(MONDAY_10 + timedelta(minutes=1))
    posted = "\n".join(platform.transcript[before:])
    assert "Hero of the week: alice" in previewed and "Hero of the week: alice" in posted
    # Monday after the digest: the next preview is the new week, where alice did nothing yet.
    await platform.post("erin", "general", "where are the event slides?")
    await platform.post("dave", "general", "Pinned in #events", reply_to_member="erin")
    for reactor in ("erin", "carol", "frank"):
        await platform.react(reactor, "👍", "dave")
    await platform.post("mod", "general", "/digest preview")
    after = "\n".join(platform.transcript[-8:])
    assert "Hero of the week: dave" in after and "alice" not in after


def simulated_week(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A database where alice helped bob on Friday 27 November; returns its path."""
    script = tmp_path / "week.txt"
    script.write_text(
        "bob: how do I export?\nalice > bob: Settings, Export\n"
        "bob +👍 alice\ncarol +👍 alice\ndave +👍 alice\n",
        encoding="utf-8",
    )
    database = str(tmp_path / "db.sqlite3")
    code, _, _ = run_cli(capsys, "simulate", str(script), "--database", database,
                         "--start", "2026-11-27T10:00")  # fmt: skip
    assert code == 0
    return database


def test_cli_preview_names_its_window(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = simulated_week(tmp_path, capsys)
    code, out, _ = run_cli(capsys, "digest", "preview", "--database", database)
    # Friday 27 Nov: the next digest is Monday 30 Nov 10:00 in Tbilisi, covering the week before.
    assert code == 0 and "2026-11-23 10:00 – 2026-11-30 10:00 (Asia/Tbilisi)" in out


async def test_a_moderator_confirms_the_hero_first(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    app = make_app(with_digest(example_config, hero_confirm=True))
    await app.start()
    try:
        platform = app.console_platform()
        await helpful_week(platform)
        await app.scheduler.advance_to(MONDAY_10 + timedelta(minutes=1))
        assert not any("📰 Weekly digest" in line for line in platform.transcript)
        assert any("Hero proposal" in line for line in platform.transcript)
        await platform.press("bob", "Confirm the hero")
        assert "This button is for moderators." in platform.transcript[-1]
        await platform.press("mod", "Confirm the hero")
        out = "\n".join(platform.transcript)
        assert "mod confirmed alice as hero of the week" in out
        assert out.count("📰 Weekly digest") == 1 and "Hero of the week: alice" in out
        await app.scheduler.advance_to(MONDAY_10 + timedelta(hours=8))
        assert "\n".join(platform.transcript).count("📰 Weekly digest") == 1
    finally:
        await app.close()


async def test_without_a_decision_the_digest_goes_out_late_without_hero(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    app = make_app(with_digest(example_config, hero_confirm=True))
    await app.start()
    try:
        platform = app.console_platform()
        await helpful_week(platform)
        await app.scheduler.advance_to(MONDAY_10 + timedelta(hours=7))
        out = "\n".join(platform.transcript)
        assert out.count("📰 Weekly digest") == 1 and "Hero of the week" not in out
        assert "alice answered bob" in out
    finally:
        await app.close()


async def test_a_hero_rests_for_the_rotation_weeks(app: BotApp, platform: ConsolePlatform) -> None:
    await helpful_week(platform)
    await app.scheduler.advance_to(MONDAY_10 + timedelta(minutes=1))
    await helpful_week(platform)
    await app.scheduler.advance_to(MONDAY_10 + timedelta(days=7, minutes=1))
    heroes = [line for line in platform.transcript if "Hero of the week" in line]
    assert len(heroes) == 1


async def test_metrics_retention_faq_and_next_steps(
    app: BotApp, platform: ConsolePlatform, clock: FakeClock
) -> None:
    for name in ("nina", "omar", "pia"):
        await platform.join(name)
        await platform.press(name, "I accept the rules")
    await app.scheduler.advance_to(clock.now() + timedelta(days=8))
    await platform.post("nina", "general", "back again")  # day 8: retained (D7)
    await platform.post("omar", "general", "how do I reset my password?")
    await platform.press("omar", "Helped")
    await app.scheduler.advance_to(clock.now() + timedelta(days=7))
    await app.eventlog.flush()
    metrics = await compute(app.db, CONSOLE, clock.now(), 28)
    assert (metrics.d7_cohort, metrics.d7_retained) == (3, 2)  # nina and omar came back
    assert metrics.new_members == 3
    assert metrics.faq_questions == 1 and metrics.faq_deflected == 1 and metrics.faq_helped == 1
    assert metrics.bot_posts_with_step >= 4  # three welcomes and the FAQ answer have buttons
    assert metrics.step_takers >= 4


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--config", str(ROOT / "config.example.toml")])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_preview_and_export_from_a_simulated_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = simulated_week(tmp_path, capsys)
    code, out, _ = run_cli(capsys, "digest", "preview", "--database", database)
    assert code == 0 and "Hero of the week: alice" in out and "alice: 18" in out
    code, out, _ = run_cli(capsys, "stats", "export", "--database", database, "--weeks", "3")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 3
    assert rows[-1]["community"] == "console:console" and rows[-1]["communicators_7d"] == "2"
    target = tmp_path / "stats.csv"
    code, _, _ = run_cli(capsys, "stats", "export", "--database", database, "--out", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("community,start,end")
    code, _, err = run_cli(capsys, "stats", "export", "--database", database, "--weeks", "0")
    assert code == 2 and "--weeks" in err
    code, _, err = run_cli(capsys, "digest", "preview", "--database", database,
                           "--community", "nowhere")  # fmt: skip
    assert code == 2 and "--community" in err


async def test_backfill_fills_what_old_events_lack(
    app: BotApp, platform: ConsolePlatform, capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    from sqlalchemy import delete, func, select, update

    from bot.storage import schema

    await helpful_week(platform)
    await app.eventlog.flush()
    # Two days on, the week's whole days are read from the roll-up the backfill rebuilds.
    later = app.clock.now() + timedelta(days=2)
    before = await compute(app.db, CONSOLE, later, 7)
    async with app.db.transaction() as conn:  # as an older version would have left it
        await conn.execute(delete(schema.member_days))
        await conn.execute(delete(schema.members))
        await conn.execute(update(schema.events).values(target=None))
    empty = await compute(app.db, CONSOLE, later, 7)
    assert empty.engaged_7d == 0
    await app.close()
    database = db_url.removeprefix("sqlite+aiosqlite:///")
    code, out, _ = await asyncio.to_thread(run_cli, capsys, "stats", "backfill",
                                           "--database", database)  # fmt: skip
    assert code == 0 and "member-days" in out
    # Run again: nothing changes.
    code, out, _ = await asyncio.to_thread(run_cli, capsys, "stats", "backfill",
                                           "--database", database)  # fmt: skip
    from bot.storage.database import Database

    db = Database(db_url)
    try:
        after = await compute(db, CONSOLE, later, 7)
        async with db.read() as conn:
            targets = await conn.scalar(
                select(func.count()).where(schema.events.c.target.is_not(None))
            )
    finally:
        await db.close()
    assert (after.engaged_7d, after.communicators_7d, after.members) == (
        before.engaged_7d,
        before.communicators_7d,
        before.members,
    )
    assert targets and targets >= 4  # the reply and the three reactions
