"""The moderators' review queue: misses collected, one-click phrasings written into the entry
file, decisions made once, by moderators only, and members' words erased with them."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.cli import main
from bot.config import Config
from bot.core.ids import MemberRef, Platform
from cogs.faq.entries import parse_entry
from cogs.faq.review import PhrasingError, add_phrasing

ROOT = Path(__file__).resolve().parents[2]
SILENT = "when does the merch store ship hoodies?"


@pytest.fixture
async def running(
    tmp_path: Path, example_config: Config, make_app: Callable[..., BotApp]
) -> AsyncIterator[tuple[BotApp, ConsolePlatform, Path]]:
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", folder)
    content = example_config.content.model_copy(update={"faq": str(folder)})
    app = make_app(example_config.model_copy(update={"content": content}))
    await app.start()
    try:
        yield app, app.console_platform(), folder
    finally:
        await app.close()


def latest(platform: ConsolePlatform, count: int = 8) -> str:
    return "\n".join(platform.transcript[-count:])


async def test_a_miss_becomes_a_phrasing_in_one_click(
    running: tuple[BotApp, ConsolePlatform, Path],
) -> None:
    app, platform, folder = running
    await platform.post("alice", "general", SILENT)
    await app.services.lanes.drain()
    await platform.post("alice", "general", "/faq misses")  # a member: it is a search
    assert "missed question" not in latest(platform, 3)
    await platform.post("mod", "general", "/faq misses")
    shown = latest(platform, 4)
    assert "1 missed question to review" in shown and SILENT in shown
    assert "➕ Add to" in shown and "✖ Dismiss" in shown
    await platform.press("bob", "Add to")
    assert "for moderators" in platform.transcript[-1]
    await platform.press("mod", "Add to")
    assert "the FAQ is reloaded" in platform.transcript[-1]
    added = [p for p in folder.rglob("*.md") if SILENT in p.read_text(encoding="utf-8")]
    assert len(added) == 1 and SILENT in parse_entry(added[0]).questions
    await platform.press("mod", "Dismiss")  # the same message: decided already
    assert "Already decided" in platform.transcript[-1]
    await platform.post("mod", "general", "/faq misses")
    assert "No missed questions" in platform.transcript[-1]


async def test_a_pick_is_evidence_and_erasure_takes_the_words(
    running: tuple[BotApp, ConsolePlatform, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    app, platform, _ = running
    await platform.post("carol", "general", "my account is broken help")
    await app.services.lanes.drain()
    assert "Did you mean" in latest(platform, 2)
    await platform.press("carol", "contact support")
    await platform.post("mod", "general", "/faq misses")
    assert "Picked from “did you mean”: “my account is broken help”" in latest(platform, 4)
    await app.forget_member(MemberRef(Platform.CONSOLE, "carol"))
    await platform.post("mod", "general", "/faq misses")
    assert "No missed questions" in platform.transcript[-1]  # her words are gone


def test_the_cli_lists_every_miss_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "s.txt"
    script.write_text(f"alice: {SILENT}\n", encoding="utf-8")
    database = str(tmp_path / "db.sqlite3")
    config = str(ROOT / "config.example.toml")
    assert main(["simulate", str(script), "--config", config, "--database", database,
                 "--start", "2026-11-27T10:00"]) == 0  # fmt: skip
    capsys.readouterr()
    code = main(["faq", "misses", "--config", config, "--database", database, "--json",
                 "--days", "3650"])  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and [r["kind"] for r in rows] == ["silent"] and rows[0]["text"] == SILENT
    assert main(["faq", "misses", "--config", config, "--database", database, "--days", "0"]) == 2


@pytest.mark.parametrize(
    "source",
    [
        '+++\nid = "a"\nquestions = [\n  "How?",\n  "Why"\n]\n+++\nAnswer.\n',
        '+++\nid = "a"\nquestions = ["How?", "Why"]\n+++\nAnswer.\n',
        '+++\nid = "a"\nquestions = [\n  "How?",\n  "Why"]\nlang = "en"\n+++\nAnswer.\n',
    ],
)
def test_phrasings_go_into_any_layout_of_the_list(tmp_path: Path, source: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(source, encoding="utf-8")
    add_phrasing(path, 'say "hi"\nplease')
    add_phrasing(path, "HOW?")  # already there, in another case: not added twice
    assert parse_entry(path).questions == ("How?", "Why", 'say "hi" please')


def test_a_file_that_cannot_take_it_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    source = '+++\nid = "a"\ntitle = "no questions here"\n+++\nAnswer.\n'
    path.write_text(source, encoding="utf-8")
    with pytest.raises(PhrasingError):
        add_phrasing(path, "new words")
    assert path.read_text(encoding="utf-8") == source
