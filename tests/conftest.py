"""Shared fixtures: a fake clock, a migrated database, a bot on the in-memory platform."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    """FAQ embeddings persist in a temporary folder, never in the user's cache. The folder is
    shared by the session's workers (and the CLI subprocesses they start), so the shipped FAQ is
    embedded once per run rather than once per worker; the cache file is SQLite, safe to share."""
    previous = os.environ.get("COMMUNITY_BOT_CACHE")
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    folder = shared / "embedding-cache"
    folder.mkdir(exist_ok=True)
    os.environ["COMMUNITY_BOT_CACHE"] = str(folder)
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


DATABASE = os.environ.get("BOT_TEST_DB", "sqlite")
"""Which database every test gets: "sqlite" (default) or "postgres" (BOT_TEST_POSTGRES_URL names
a server; `.ci/run` starts a throw-away one)."""


@pytest.fixture
def db_url(tmp_path: Path, _migrated_template: str) -> Iterator[str]:
    """A database of its own for each test, already at the newest schema: a copy of one
    migrated per worker (running every migration costs ~100 ms a test)."""
    if DATABASE != "postgres":
        path = tmp_path / "bot.sqlite3"
        shutil.copyfile(_migrated_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    name = f"test_{uuid.uuid4().hex[:16]}"
    _postgres(f'CREATE DATABASE "{name}" TEMPLATE "{_migrated_template}"')
    try:
        yield _postgres_url(name)
    finally:
        _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_url(database: str) -> str:
    server = os.environ.get("BOT_TEST_POSTGRES_URL", "")
    if not server:
        pytest.fail(
            "BOT_TEST_DB=postgres needs BOT_TEST_POSTGRES_URL (postgresql://user@host:port/db)"
        )
    base = server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


def _postgres(statement: str) -> None:
    """Run one statement on the server's maintenance database (outside a transaction)."""
    import asyncpg

    async def run() -> None:
        server = os.environ["BOT_TEST_POSTGRES_URL"].rsplit("/", 1)[0] + "/postgres"
        connection = await asyncpg.connect(server, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run()) if not _loop_running() else _in_thread(run)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _in_thread(make: Callable[[], Any]) -> None:
    import threading

    errors: list[BaseException] = []

    def work() -> None:
        try:
            asyncio.run(make())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    if DATABASE == "postgres":
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"template_{worker}_{uuid.uuid4().hex[:8]}"
        _postgres(f'CREATE DATABASE "{name}"')

        async def migrate_pg() -> None:
            database = Database(_postgres_url(name))
            try:
                await database.migrate()
            finally:
                await database.close()

        asyncio.run(migrate_pg())
        return name
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"

    async def migrate() -> None:
        database = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await database.migrate()
        finally:
            await database.close()

    asyncio.run(migrate())
    # Closed cleanly, the write-ahead log is checkpointed: the main file is the whole database.
    assert not path.with_name(path.name + "-wal").exists()
    return str(path)


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


def free_port() -> int:
    """A loopback port nobody listens on right now (for servers a test starts by port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_core(config: Config, section: str, **changes: Any) -> Config:
    """The config with one core section changed (``community``, ``storage`` ...)."""
    changed = getattr(config, section).model_copy(update=changes)
    return config.model_copy(update={section: changed})


def in_locale(config: Config, locale: str) -> Config:
    """The config with the community speaking ``locale``."""
    return with_core(config, "community", locale=locale)


class SameDatabase:
    """Bot processes sharing one database and the test's fake clock, closed after the test."""

    def __init__(self, clock: FakeClock, url: str) -> None:
        self.clock, self.url = clock, url
        self.apps: list[BotApp] = []

    async def start(self, config: Config, count: int = 2) -> list[BotApp]:
        started = []
        for _ in range(count):
            app = BotApp(config, clock=self.clock, database_url=self.url)
            await app.start()
            self.apps.append(app)
            started.append(app)
        return started


@pytest.fixture
async def same_database(clock: FakeClock, db_url: str) -> AsyncIterator[SameDatabase]:
    made = SameDatabase(clock, db_url)
    yield made
    for app in made.apps:
        await app.close()


def since(platform: ConsolePlatform, command: str) -> str:
    """The transcript from the last time ``command`` was posted."""
    lines = platform.transcript
    start = max(i for i, line in enumerate(lines) if line.endswith(command))
    return "\n".join(lines[start:])


Simulate = Callable[..., str]


def example_config_in(folder: Path) -> Path:
    """The example config, copied into ``folder`` with content paths pointing at the
    repository and everything the bot writes (FAQ drafts) inside ``folder``: tests never
    write into the source tree."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for key in ("rules", "faq", "quizzes"):
        text = text.replace(f'{key} = "{key}"', f"{key} = {str(ROOT / key)!r}", 1)
    text = text.replace('drafts = "faq/drafts"', f"drafts = {str(folder / 'drafts')!r}", 1)
    templates = ROOT / "content" / "templates"
    text = text.replace('templates = "content/templates"', f"templates = {str(templates)!r}", 1)
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
