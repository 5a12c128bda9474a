"""Erasing a member: after ``member forget`` (or ``/forget``) no row names them, except the
moderators' log's cases about them (documented in the README)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, Text, select

from bot.cli import main
from bot.storage.database import Database
from bot.storage.schema import all_tables
from tests.conftest import Simulate, example_config_in

# alice joins, passes the gate, talks, asks the FAQ and votes on the answer, starts and votes in
# polls, asks and upvotes at an AMA, reports a message, gets a level, and helps enough to be
# the hero.
LIFE = """\
+alice
alice [I accept the rules]
alice: hello everyone
bob: how do I export my data?
alice > bob: Settings → Export, it takes a minute
bob +👍 alice
carol +👍 alice
dave +🎉 alice
alice +👍 bob
alice #help: how do I reset my password?
alice [Helped]
bob #help: how can I get a refund for my subscription?
alice [Didn't help]
alice: /poll 30s Lunch? | Pizza | Pasta
alice [Pizza]
bob [Pasta]
~ 1m
mod: /ama open 1h Roadmap
alice: /ask When will the mobile app ship?
bob: /ask Will there be a dark mode soon?
alice [Upvote #2]
zed: buy followers cheap
alice > zed: /report spam
mod: /level alice activist
~ 1h
~ 3d
"""


def rows_naming(url_path: Path, needle: str) -> list[tuple[str, str, Any]]:
    """(table, column, value) for every text cell that contains ``needle``."""
    import asyncio

    async def scan() -> list[tuple[str, str, Any]]:
        db = Database(f"sqlite+aiosqlite:///{url_path}")
        found: list[tuple[str, str, Any]] = []
        try:
            async with db.read() as conn:
                for table in all_tables().tables.values():
                    for row in (await conn.execute(select(table))).mappings():
                        for column in table.columns:
                            value = row[column.name]
                            text = str(value) if value is not None else ""
                            textual = isinstance(column.type, String | Text) or isinstance(
                                value, dict | list
                            )
                            if textual and needle in text:
                                found.append((table.name, column.name, value))
        finally:
            await db.close()
        return found

    return asyncio.run(scan())


def forget(tmp_path: Path, database: Path, member: str) -> int:
    config = example_config_in(tmp_path)
    return main(["member", "forget", member, "--config", str(config), "--database", str(database)])


def test_nothing_names_the_member_after_forget(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = simulate(LIFE, "2026-11-27T10:00")
    assert "Case #1 · report" in out and "Hero of the week: alice" in out  # as the script says
    database = tmp_path / "sim.sqlite3"
    before = rows_naming(database, "alice")
    tables = {table for table, _, _ in before}
    # Every feature holds something of alice before: the test would catch a forgotten table.
    assert {"events", "members", "member_days", "onboarding", "poll_votes", "polls",
            "ama_questions", "ama_votes", "faq_answers", "faq_votes", "mod_cases",
            "member_levels", "digest_posts"} <= tables, tables  # fmt: skip
    assert forget(tmp_path, database, "console:alice") == 0
    assert "forgotten" in capsys.readouterr().out
    assert rows_naming(database, "alice") == []
    # Others' data is untouched: bob is still there.
    assert any(table == "poll_votes" for table, _, _ in rows_naming(database, "bob"))


def test_the_mod_log_keeps_cases_about_the_member(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = simulate("alice: bananaphone you idiot\nmod: /warn alice spamming\n", "2026-11-27T10:00")
    assert "Case #2 · warning · alice" in out
    database = tmp_path / "sim.sqlite3"
    assert forget(tmp_path, database, "console:alice") == 0
    left = rows_naming(database, "alice")
    # The documented exception: the cases about her keep her member id, not her name or words.
    assert left and all((table, column) == ("mod_cases", "member") for table, column, _ in left)
    assert rows_naming(database, "bananaphone") == []  # her words went with the evidence


def test_votes_still_count_after_forget(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(
        "alice: /poll 1m Lunch? | Pizza | Pasta\nalice [Pizza]\nbob [Pizza]\n", "2026-11-27T10:00"
    )
    assert forget(tmp_path, tmp_path / "sim.sqlite3", "console:alice") == 0
    out = simulate("~ 2m\n")
    assert "Pizza  ████████████  2 (100%)" in out


def test_bad_member_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert forget(tmp_path, tmp_path / "x.sqlite3", "alice") == 2
    assert "expected PLATFORM:ID" in capsys.readouterr().err


def test_moderator_command(simulate: Simulate) -> None:
    out = simulate("alice: hi\nbob: /forget alice\nmod: /forget alice\n", "2026-11-27T10:00")
    assert "/forget is for the moderator team" in out or "moderator" in out
    assert "no longer keeps data about alice" in out


def test_a_moderators_decision_stays_without_their_name(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        'moderators = ["mod"]', 'moderators = ["mod", "zorro"]'
    )
    config.write_text(text, encoding="utf-8")
    script = tmp_path / "s.txt"
    script.write_text("bob: buy followers\ncarol > bob: /report spam\nzorro [Dismiss]\n")
    database = tmp_path / "z.sqlite3"
    assert main(["simulate", str(script), "--config", str(config), "--database", str(database),
                 "--start", "2026-11-27T10:00"]) == 0  # fmt: skip
    assert "dismissed by zorro" in capsys.readouterr().out
    assert any(table == "button_uses" for table, _, _ in rows_naming(database, "zorro"))
    assert main(["member", "forget", "console:zorro", "--config", str(config),
                 "--database", str(database)]) == 0  # fmt: skip
    assert rows_naming(database, "zorro") == []
