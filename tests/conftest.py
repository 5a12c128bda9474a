"""Shared fixtures: a fake clock, a migrated database, a bot on the in-memory platform."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config, load_config
from bot.core.clock import FakeClock
from bot.storage.database import Database

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, scope="session")
def _embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """FAQ embeddings persist in a temporary folder, never in the user's cache."""
    previous = os.environ.get("COMMUNITY_BOT_CACHE")
    os.environ["COMMUNITY_BOT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("COMMUNITY_BOT_CACHE", None)
    else:
        os.environ["COMMUNITY_BOT_CACHE"] = previous


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def example_config() -> Config:
    return load_config(ROOT / "config.example.toml")


@pytest.fixture
def core_config(example_config: Config) -> Config:
    """The example config with only the help feature: for tests of the core itself."""
    features = example_config.features.model_copy(update={"enabled": ["help"]})
    return example_config.model_copy(update={"features": features})


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
async def app(example_config: Config, clock: FakeClock, db_url: str) -> AsyncIterator[BotApp]:
    bot = BotApp(example_config, clock=clock, database_url=db_url)
    await bot.start()
    yield bot
    await bot.close()


@pytest.fixture
def platform(app: BotApp) -> ConsolePlatform:
    return app.console_platform()


@pytest.fixture
def make_app(example_config: Config, clock: FakeClock, db_url: str) -> Callable[..., BotApp]:
    """Build (not start) another app on the same database, e.g. to test restarts."""

    def build(config: Config | None = None) -> BotApp:
        return BotApp(config or example_config, clock=clock, database_url=db_url)

    return build


Simulate = Callable[..., str]


def example_config_in(folder: Path) -> Path:
    """The example config, copied into ``folder`` with content paths pointing at the
    repository and everything the bot writes (FAQ drafts) inside ``folder``: tests never
    write into the source tree."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for key in ("rules", "faq", "quizzes"):
        text = text.replace(f'{key} = "{key}"', f"{key} = {str(ROOT / key)!r}", 1)
    text = text.replace('drafts = "faq/drafts"', f"drafts = {str(folder / 'drafts')!r}", 1)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def simulate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Simulate:
    """Run a script through ``community-bot simulate`` with the example config on one database
    per test; ``simulate(script, start)`` returns the transcript. Runs again continue it."""
    from bot.cli import main

    def run(script: str, *start: str) -> str:
        path = tmp_path / "script.txt"
        path.write_text(script, encoding="utf-8")
        args = ["simulate", str(path), "--config", str(example_config_in(tmp_path)),
                "--database", str(tmp_path / "sim.sqlite3")]  # fmt: skip
        if start:
            args += ["--start", start[0]]
        code = main(args)
        out = capsys.readouterr().out
        assert code == 0
        return out

    return run
