"""The interactive console: typed lines become member actions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.console.repl import ConsoleSession
from bot.app import BotApp

ROOT = Path(__file__).resolve().parents[3]


async def test_console_commands(app: BotApp) -> None:
    written: list[str] = []
    platform = app.console_platform(sink=written.append)
    t, _ = app.locale_for(platform.community)
    session = ConsoleSession(app, platform, t, written.append)
    assert session.prompt() == "you #general> "
    assert await session.handle("hello there")
    assert await session.handle(":as alice")
    assert await session.handle(":in #help")
    assert await session.handle(":in #nowhere")
    assert await session.handle("/help")
    assert await session.handle(":reply you thanks")
    assert await session.handle(":react 🎉 you")
    assert await session.handle(":join carol")
    assert await session.handle(":press Nothing")
    assert await session.handle(":bogus")
    assert not await session.handle(":quit")
    assert written[0] == "#general you: hello there"
    assert "You are now alice." in written and "You are now in #help." in written
    assert any("There is no channel #nowhere" in line for line in written)
    assert any(line.startswith("#help bot → alice (only alice sees this):") for line in written)
    assert "! you has no message in #help to reply to; posting without a reply" in written
    assert "alice reacted 🎉 to you's message" in written
    assert "+ carol joined" in written
    assert "! no bot message has a button [Nothing]" in written
    assert any("Unknown console command :bogus" in line for line in written)


@pytest.mark.slow
def test_run_starts_on_the_console_and_stops_at_end_of_input(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    example = example.replace("data/community-bot.sqlite3", "bot.sqlite3")
    example = example.replace('rules = "rules"', f'rules = "{ROOT / "rules"}"')
    config.write_text(example.replace('faq = "faq"', f'faq = "{ROOT / "faq"}"'))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        input="hello\n/help\n:quit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Console chat for Example Community" in result.stdout
    assert "#general you: hello" in result.stdout
    assert "Commands you can use here:" in result.stdout
    assert "(only you see this)" in result.stdout  # not "only you sees this"
    assert (tmp_path / "bot.sqlite3").exists()  # relative to the config file


@pytest.mark.slow
def test_overdue_work_runs_once_the_console_is_connected(tmp_path: Path) -> None:
    """A poll that fell due while the bot was down closes at start-up, on the console too."""
    config = tmp_path / "config.toml"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    example = example.replace("data/community-bot.sqlite3", "bot.sqlite3")
    for key in ("rules", "faq", "quizzes"):
        example = example.replace(f'{key} = "{key}"', f'{key} = "{ROOT / key}"')
    config.write_text(example)
    script = tmp_path / "poll.txt"
    script.write_text("alice: /poll 30s Lunch? | Pizza | Pasta\nbob [Pizza]\n", encoding="utf-8")
    created = subprocess.run(
        [sys.executable, "-m", "bot", "simulate", str(script), "--config", str(config),
         "--start", "2020-01-01T10:00"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        input=":quit\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "📊 Results: Lunch?" in result.stdout
    assert result.stdout.index("Results") < result.stdout.index("Console chat for")
