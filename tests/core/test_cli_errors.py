"""Every bad input to the CLI ends in one clear line and exit 2: no traceback, no silently
created database, nothing printed that cannot be printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "config.example.toml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--config", CONFIG])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "week.sqlite3"
    script = tmp_path / "week.txt"
    script.write_text("alice: hello\nbob > alice: hi\n", encoding="utf-8")
    assert run(capsys, "simulate", str(script), "--database", str(path))[0] == 0
    return str(path)


def test_bytes_that_are_not_utf8_do_not_crash_the_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    question = b"how do I reset \xff\xfe my password?".decode("utf-8", "surrogateescape")
    code, out, err = run(capsys, "faq", "ask", question, "--matcher", "lexical")
    assert code == 0 and "Traceback" not in err and "password" in out


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("text-file", "database error: file is not a database"),
        ("missing", "database error: no database at"),
        ("postgresql://u@localhost/db", "database error: postgresql needs the Python package"),
        ("weird://", "database error: Can't load plugin"),
    ],
)
def test_a_bad_database_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, expected: str
) -> None:
    target = given
    if given == "text-file":
        target = str(tmp_path / "notes.txt")
        Path(target).write_text("hello\n", encoding="utf-8")
    elif given == "missing":
        target = str(tmp_path / "typo.sqlite3")
    for command in (["digest", "preview"], ["stats", "export"], ["member", "forget", "x:1"]):
        if command[0] == "member" and given in ("text-file", "weird://"):
            continue
        if command[0] == "member":
            command = ["member", "forget", "telegram:1"]
        code, _, err = run(capsys, *command, "--database", target)
        assert code == 2 and err.startswith(expected), (command, err)
        assert "Traceback" not in err
    assert not (tmp_path / "typo.sqlite3").exists()  # a typo does not create a database


def test_export_to_a_folder_or_nowhere_is_refused(
    tmp_path: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "stats", "export", "--database", database, "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err
    nowhere = str(tmp_path / "missing" / "stats.csv")
    code, _, err = run(capsys, "stats", "export", "--database", database, "--out", nowhere)
    assert code == 2 and "its folder does not exist" in err


def test_an_unknown_community_is_named_with_the_known_ones(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["digest", "preview"], ["stats", "export"]):
        code, out, err = run(capsys, *command, "--database", database,
                             "--community", "telegram:-100123")  # fmt: skip
        assert code == 2 and out == ""
        assert "no such community" in err and "known: console:console" in err


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`community-bot rules test ... | head -1`, from a folder without any config."""
    command = [sys.executable, "-m", "bot", "rules", "test", "you are an idiot",
               "--rules", str(ROOT / "rules")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before the bot writes
        err = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert code == 0 and "Traceback" not in err and "BrokenPipe" not in err
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0 and "action:     warn" in done.stdout
    assert "built-in defaults" in done.stderr
