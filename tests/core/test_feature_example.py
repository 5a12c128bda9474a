"""The example feature of ``cogs/README.md``, written from that page alone, runs in
``simulate`` without editing anything under ``bot/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import cogs
from bot.cli import main
from tests.conftest import ROOT, example_config_in


def blocks(language: str) -> list[str]:
    page = (ROOT / "cogs" / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", page, re.S)


def clear_caches() -> None:
    from bot.config import config_model
    from bot.features import catalog
    from bot.i18n import load_catalog, translator

    for cached in (catalog, config_model, load_catalog, translator):
        cached.cache_clear()


@pytest.fixture
def remind_feature(tmp_path: Path) -> Iterator[Path]:
    """The page's code and strings as a feature folder outside the source tree."""
    extra = tmp_path / "extra"
    folder = extra / "remind"
    (folder / "i18n").mkdir(parents=True)
    (folder / "__init__.py").write_text(blocks("python")[0], encoding="utf-8")
    (folder / "i18n" / "en.toml").write_text(blocks("toml")[0], encoding="utf-8")
    cogs.__path__.append(str(extra))
    clear_caches()
    yield folder
    cogs.__path__.remove(str(extra))
    import sys

    sys.modules.pop("cogs.remind", None)
    clear_caches()


def test_the_example_feature_works(
    remind_feature: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8")
    text = text.replace('"privacy"]', '"privacy", "remind"]', 1) + "\n[remind]\nmax_length = 100\n"
    config.write_text(text, encoding="utf-8")
    script = tmp_path / "demo.txt"
    script.write_text("alice: /remind 10m call the venue\n~ 11m\nbob [Done]\n", encoding="utf-8")
    database = str(tmp_path / "sim.sqlite3")
    code = main(["simulate", str(script), "--config", str(config),
                 "--database", database, "--start", "2026-11-27T10:00"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "#general bot → alice: I will remind you in 10 minutes." in out
    assert (
        "[2026-11-27 10:10:00] #general bot: ⏰ Reminder from alice: call the venue [✅ Done]"
        in out
    )
    assert "Marked as done. Thanks!" in out
    # The core's files are untouched: the feature lives outside bot/ (and outside cogs/).
    assert not (ROOT / "cogs" / "remind").exists()


def test_its_settings_are_checked_like_the_core_s(
    remind_feature: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8") + "\n[remind]\nmax_lenght = 100\n"
    config.write_text(text, encoding="utf-8")
    assert main(["check", "--config", str(config)]) == 2
    assert "remind.max_lenght: unknown key" in capsys.readouterr().err


NOTES = '''"""/note TEXT: a feature with its own table and migration, both in its folder."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.feature import Feature, NoSettings, command
from bot.storage.schema import community_columns, metadata

notes = Table(
    "notes_notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("text", Text, nullable=False),
    Column("author", String(64), nullable=False),
)

NOTE = CommandSpec(
    "note", "help.description", (Param("text", ParamKind.TEXT, "help.description"),)
)


class Notes(Feature[NoSettings]):
    name = "notes"

    @command(NOTE)
    async def note(self, ctx: Context) -> None:
        community, actor = ctx.event.community, ctx.event.actor
        assert actor is not None
        async with self.db.transaction() as conn:
            await conn.execute(notes.insert().values(
                platform=community.platform.value, community=community.id,
                text=str(ctx.args["text"]), author=actor.ref.id))
        await ctx.reply("noted")
'''

MIGRATION = '''"""The notes feature's table.

Revision ID: notes_0001
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "notes_0001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notes_notes")
'''


@pytest.fixture
def notes_feature(tmp_path: Path) -> Iterator[Path]:
    from bot.storage.database import head_revision
    from bot.storage.schema import metadata

    head = head_revision()
    extra = tmp_path / "extra"
    folder = extra / "notes"
    (folder / "migrations").mkdir(parents=True)
    (folder / "__init__.py").write_text(NOTES, encoding="utf-8")
    (folder / "migrations" / "notes_0001_table.py").write_text(
        MIGRATION.format(head=head), encoding="utf-8"
    )
    cogs.__path__.append(str(extra))
    clear_caches()
    yield folder
    cogs.__path__.remove(str(extra))
    import sys

    sys.modules.pop("cogs.notes", None)
    if "notes_notes" in metadata.tables:
        metadata.remove(metadata.tables["notes_notes"])
    clear_caches()


def test_a_feature_brings_its_own_table_and_migration(
    notes_feature: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tables and their migration live in the feature's folder: nothing under bot/ changes."""
    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8").replace('"privacy"]', '"privacy", "notes"]', 1)
    config.write_text(text, encoding="utf-8")
    script = tmp_path / "demo.txt"
    script.write_text("alice: /note bring snacks\n", encoding="utf-8")
    database = tmp_path / "notes.sqlite3"
    code = main(["simulate", str(script), "--config", str(config),
                 "--database", str(database), "--start", "2026-11-27T10:00"])  # fmt: skip
    assert code == 0 and "noted" in capsys.readouterr().out
    import sqlite3

    with sqlite3.connect(database) as conn:
        rows = conn.execute("select text, author from notes_notes").fetchall()
        version = conn.execute("select version_num from alembic_version").fetchall()
    assert rows == [("bring snacks", "alice")] and version == [("notes_0001",)]
