"""``community-bot simulate`` end to end: scripts, transcripts, restarts, SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.storage import schema
from bot.storage.database import Database, head_revision

ROOT = Path(__file__).resolve().parents[3]
CONFIG = str(ROOT / "config.example.toml")


def run_cli(
    tmp_path: Path, script: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    database = str(tmp_path / "sim.sqlite3")
    code = main(["simulate", str(path), "--config", CONFIG, "--database", database, *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_help_prints_the_command_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        tmp_path, "+alice\nalice: /help\n", capsys, "--start", "2026-11-27T10:00"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "[2026-11-27 10:00:00] + alice joined"
    assert "bot muted alice until further notice (new member" in lines[1]  # the rules gate
    assert lines[2].startswith("[2026-11-27 10:00:00] #general bot: Welcome, @alice!")
    assert lines[3] == "[2026-11-27 10:00:00] #general alice: /help"  # commands still work
    assert "Commands you can use here:" in lines[4]
    assert any("/help [command] — Show the commands you can use" in line for line in lines)


def test_time_passes_and_stamps_follow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = "alice: hi\n~ 2h30m\nbob > alice: hello\nalice +👍\nalice #help: question?\n"
    code, out, _ = run_cli(tmp_path, script, capsys, "--start", "2026-11-27T10:00+04:00")
    assert code == 0
    assert out.splitlines() == [
        "[2026-11-27 10:00:00] #general alice: hi",
        "[2026-11-27 12:30:00] #general bob → alice: hello",
        "[2026-11-27 12:30:00] alice reacted 👍 to bob's message",
        "[2026-11-27 12:30:00] #help alice: question?",
    ]


def test_malformed_line_is_reported_with_its_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(tmp_path, "+alice\nalice: hi\nalice waves\n", capsys)
    assert code == 2
    assert out == ""  # nothing ran: the script is checked before it starts
    assert "script.txt:line 3: expected one of" in err


def test_bad_start_and_missing_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(tmp_path, "alice: hi\n", capsys, "--start", "tomorrow")
    assert code == 2 and "expected ISO 8601" in err
    assert main(["simulate", str(tmp_path / "none.txt"), "--config", CONFIG]) == 2
    assert "cannot read the script" in capsys.readouterr().err


def test_second_run_resumes_the_clock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A start in the future, so "now" is earlier than where the first run stopped.
    run_cli(tmp_path, "alice: hi\n~ 3h\n", capsys, "--start", "2040-11-27T10:00")
    code, out, _ = run_cli(tmp_path, "alice: again\n", capsys)
    assert code == 0
    assert out == "[2040-11-27 13:00:00] #general alice: again\n"


def test_members_who_left_or_are_muted_cannot_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = (
        "-alice\nalice: anyone?\n+alice\nalice: back\nalice [I accept the rules]\nalice: ok!\n"
    )
    _, out, _ = run_cli(tmp_path, script, capsys, "--start", "2026-11-27T10:00")
    assert "! alice is not in the community; the message was not sent" in out
    assert "! alice is muted until further notice; the message was not sent" in out
    assert out.rstrip().endswith("#general alice: ok!")


async def test_events_are_logged_without_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await asyncio.to_thread(
        run_cli,
        tmp_path,
        "+alice\nalice [I accept the rules]\nalice: hi\nalice: /help\n",
        capsys,
        "--start",
        "2026-11-27",
    )
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sim.sqlite3'}")
    async with db.read() as conn:
        kinds = (await conn.execute(select(schema.events.c.kind).order_by("id"))).scalars().all()
        texts = await conn.execute(select(func.count()).where(schema.events.c.text.is_not(None)))
        with_text = texts.scalar()
    await db.close()
    # The bot's own posts are logged too (for the next-step metrics), without text.
    members = [k for k in kinds if k != "bot_posted"]
    assert members == ["member_joined", "button_pressed", "message_posted", "command_invoked"]
    assert kinds.count("bot_posted") == 1  # the welcome (the /help answer is ephemeral)
    assert with_text == 0


@pytest.mark.slow
def test_sigkill_during_simulate_leaves_a_database_that_opens(tmp_path: Path) -> None:
    database = tmp_path / "killed.sqlite3"
    script = tmp_path / "long.txt"
    lines = ["+alice"] + [f"alice: message {n}" for n in range(20_000)]
    script.write_text("\n".join(lines), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "bot",
        "--config",
        CONFIG,
        "simulate",
        str(script),
        "--database",
        str(database),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    ) as process:
        assert process.stdout is not None
        for _ in range(1500):  # well into the run: event batches are being written
            if not process.stdout.readline():
                break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--config",
            CONFIG,
            "simulate",
            "-",
            "--database",
            str(database),
        ],
        input="alice: after the crash\nalice: /help\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert again.returncode == 0, again.stderr
    assert "after the crash" in again.stdout and "Commands you can use here" in again.stdout

    async def reopen() -> str | None:
        db = Database(f"sqlite+aiosqlite:///{database}")
        try:
            return await db.migrate()
        finally:
            await db.close()

    assert asyncio.run(reopen()) == head_revision()


def test_post_clean_edit_later_is_moderated_and_a_reaction_comes_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = (
        "alice: hello everyone\nalice edit: you are an idiot\n"
        "bob: nice\nalice +👍 bob\nalice -👍 bob\nalice -👍 bob\n-ghost\n"
    )
    code, out, _ = run_cli(tmp_path, script, capsys, "--start", "2026-11-27T10:00")
    assert code == 0
    assert "#general alice (edited): you are an idiot" in out
    assert "bot deleted alice's message" in out  # the edit is moderated like a post
    assert "alice removed 👍 from bob's message" in out
    assert "! alice has no 👍 reaction on bob" in out  # taken back once
    assert "- ghost left (not seen before)" in out


def test_a_start_before_the_last_run_and_an_empty_script_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run_cli(tmp_path, "alice: hi\n~ 1d\n", capsys, "--start", "2026-11-27T10:00")
    assert code == 0
    code, out, err = run_cli(tmp_path, "alice: again\n", capsys, "--start", "2026-11-27T12:00")
    assert code == 2 and out == "" and "time cannot run backwards" in err
    code, _, err = run_cli(tmp_path, "# nothing yet\n\n", capsys)
    assert code == 2 and "the script has no steps" in err
    code, _, err = run_cli(tmp_path, "alice says hi\n~ 99999d\n", capsys)
    assert code == 2 and "line 1:" in err and "line 2:" in err and "2 line(s) to fix" in err
