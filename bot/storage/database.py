"""The database handle: engine, transactions and migrations."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Table, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.storage import schema

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
FEATURE_PACKAGE = "cogs"
"""Features may ship Alembic revisions in ``<package>/<feature>/migrations/``."""


class StorageError(Exception):
    """The database cannot be used (bad URL, newer schema, unreadable file)."""


def storage_problem(exc: SQLAlchemyError) -> str:
    """What went wrong with the database, in one line (the driver's message when there is
    one, without SQLAlchemy's background link)."""
    original = getattr(exc, "orig", None)
    text = str(original) if original is not None else str(exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first


SUPPORTED = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


async def check_storage(url: str, *, connect: bool, within: float = 10.0) -> list[str]:
    """Problems of a storage URL: its form, its driver, and (``connect``) the server itself."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return [f"{url!r} is not a database URL (e.g. sqlite+aiosqlite:///bot.sqlite3 or"
                " postgresql+asyncpg://user@host:5432/bot)"]  # fmt: skip
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        return [f"{backend!r} is not supported: use SQLite or PostgreSQL"]
    if parsed.drivername != SUPPORTED[backend]:
        return [f"{parsed.drivername}: the bot needs the async driver, {SUPPORTED[backend]}://..."]
    try:
        database = Database(url)
    except StorageError as exc:
        return [str(exc)]
    try:
        if connect:
            async with asyncio.timeout(within), database.read() as conn:
                await conn.execute(text("SELECT 1"))
    except TimeoutError:
        return [f"no answer from {parsed.host}:{parsed.port} within {within:g} s"]
    except SQLAlchemyError as exc:
        return [f"cannot use it: {storage_problem(exc)}"]
    except (OSError, Exception) as exc:  # asyncpg's own errors (wrong role, no database)
        return [f"cannot reach it: {exc}"]
    finally:
        await database.close()
    return []


def require_existing(url: str) -> None:
    """For commands that only read: a SQLite file that does not exist is a typo, not a new
    database to create."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"{exc} (expected e.g. sqlite+aiosqlite:///bot.sqlite3)") from None
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if not path.is_file():
        raise StorageError(
            f"no database at {path}: check the path (the bot creates it on its first run)"
        )


MIGRATION_LOCK = 0x636F6D6D62
"""The advisory lock every process takes around migrations on PostgreSQL ("commb")."""


class Database:
    """One engine for the process. Use :meth:`transaction` for writes, :meth:`read` for reads.

    On SQLite every write transaction starts with ``BEGIN IMMEDIATE``, so two writers queue
    on the busy timeout instead of failing on a lock upgrade, and DDL is transactional
    (a migration interrupted by SIGKILL leaves the previous schema).
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StorageError(f"{exc} (expected e.g. sqlite+aiosqlite:///bot.sqlite3)") from None
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database in ("", ":memory:"):
                # One shared connection, or every checkout would see a new empty database.
                kwargs["poolclass"] = StaticPool
            elif not database.startswith("file:"):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        except ModuleNotFoundError as exc:
            raise StorageError(
                f"{parsed.drivername} needs the Python package {exc.name!r}, which is not"
                f" installed (for PostgreSQL: postgresql+asyncpg://... and the asyncpg package)"
            ) from None
        except ArgumentError as exc:
            raise StorageError(f"{exc} (expected e.g. sqlite+aiosqlite:///bot.sqlite3)") from None
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed when the block ends, rolled back on error."""
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(community_bot_write=True)
            async with conn.begin():
                yield conn

    async def insert_new(self, table: Table, **values: Any) -> bool:
        """Insert one row in its own transaction; False when its key already exists.

        How a claim is made exactly once, also across processes (a run slot, a digest week, a
        vote): the database's unique key decides, never a read-then-write.
        """
        try:
            async with self.transaction() as conn:
                await conn.execute(table.insert().values(**values))
        except IntegrityError:
            return False
        return True

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only view (a deferred transaction on SQLite)."""
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    async def migrate(self) -> str | None:
        """Bring the schema to the newest version in one transaction; returns the revision.

        Safe when several processes start at once on an empty database: on SQLite the write
        transaction (``BEGIN IMMEDIATE``) queues them, on PostgreSQL a transaction-scoped
        advisory lock does; the later ones find the schema current and change nothing."""
        try:
            return await self._migrate()
        except OSError as exc:  # the server is not there (SQLAlchemy does not wrap these)
            raise StorageError(f"cannot reach the database server: {exc}") from None

    async def _migrate(self) -> str | None:
        async with self.transaction() as conn:
            if self.dialect == "postgresql":
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            return await conn.run_sync(_upgrade)

    async def get_meta(self, key: str) -> str | None:
        async with self.read() as conn:
            row = (
                await conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key))
            ).first()
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        async with self.transaction() as conn:
            updated = await conn.execute(
                schema.meta.update().where(schema.meta.c.key == key).values(value=value)
            )
            if updated.rowcount == 0:
                await conn.execute(schema.meta.insert().values(key=key, value=value))

    async def problem(self) -> str | None:
        """None when the database answers a query, else why not (for the readiness check)."""
        try:
            async with self.read() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            return storage_problem(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
        return None

    async def close(self) -> None:
        await self.engine.dispose()


WAL_TRIES = 100
"""Attempts (10 ms apart) to switch a new SQLite file to WAL while another process holds it."""


def _switch_to_wal(cursor: Any) -> None:
    """WAL mode, once per file. Switching needs a moment's exclusive lock, and SQLite does not
    always wait for it through the busy timeout: processes starting at once on a new file try
    again for a second instead of failing with "database is locked"."""
    for attempt in range(WAL_TRIES):
        try:
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:  # the driver's OperationalError, however it is wrapped
            if "locked" not in str(exc) or attempt == WAL_TRIES - 1:
                raise
            time.sleep(0.01)  # in aiosqlite's own thread: the event loop does not wait


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 32 MiB of page cache (default 2 MiB): metrics scan weeks of the event log.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("community_bot_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def migration_folders() -> list[Path]:
    """The core's revisions and every feature's (``cogs/<feature>/migrations/``): one chain,
    so a feature adds its tables without touching ``bot/``."""
    folders = [MIGRATIONS / "versions"]
    spec = importlib.util.find_spec(FEATURE_PACKAGE)
    for root in (spec.submodule_search_locations or []) if spec else []:
        folders += sorted(p for p in Path(root).glob("*/migrations") if p.is_dir())
    return folders


def _base_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(folder) for folder in migration_folders())
    )
    return config


def head_revision() -> str | None:
    """The newest schema revision this version of the bot knows (the heads, comma-separated,
    when features added revisions on branches of their own)."""
    heads = ScriptDirectory.from_config(_base_config()).get_heads()
    return ",".join(sorted(heads)) or None


def _alembic_config(connection: Connection) -> AlembicConfig:
    config = _base_config()
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> str | None:
    config = _alembic_config(connection)
    script = ScriptDirectory.from_config(config)
    current = MigrationContext.configure(connection).get_current_heads()
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise StorageError(
            f"the database is at schema revision {', '.join(unknown)}, which this version of"
            f" community-bot does not know: it was written by a newer version."
            f" Upgrade community-bot, or point [storage] at another database."
        )
    heads_before = set(current)
    command.upgrade(config, "heads")  # a feature's revisions may branch from an older core head
    heads = set(script.get_heads())
    if heads_before != heads:
        log.info("database migrated to schema revision %s", ", ".join(sorted(heads)))
    return ",".join(sorted(heads)) or None
