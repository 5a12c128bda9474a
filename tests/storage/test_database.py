from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text

from bot.storage.database import Database, StorageError, head_revision
from bot.storage.types import UtcDateTime
from tests import conftest


@pytest.mark.skipif(conftest.DATABASE != "sqlite", reason="SQLite's own settings (PRAGMA)")
async def test_fresh_database_migrates_once_with_wal_and_foreign_keys(db_url: str) -> None:
    db = Database(db_url)
    try:
        assert await db.migrate() == head_revision() != "0001"
        assert await db.migrate() == head_revision()  # idempotent
        async with db.read() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
            tables = set(
                (await conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")))
                .scalars()
                .all()
            )
        assert mode == "wal" and fks == 1
        assert {"meta", "events", "job_runs", "deadlines", "alembic_version"} <= tables
    finally:
        await db.close()


async def test_database_from_a_newer_version_is_refused(db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    await db.migrate()
    async with db.transaction() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError, match=r"9999.*newer version"):
        await db.migrate()
    await db.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(text("INSERT INTO meta(key, value) VALUES ('k', 'v')"))
            raise RuntimeError("boom")
    assert await db.get_meta("k") is None
    await db.set_meta("k", "1")
    await db.set_meta("k", "2")
    assert await db.get_meta("k") == "2"


async def test_times_come_back_as_aware_utc(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 't.sqlite3'}")
    table = Table(
        "t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime)
    )
    async with db.transaction() as conn:
        await conn.run_sync(table.metadata.create_all)
        tbilisi = timezone(timedelta(hours=4))
        await conn.execute(
            table.insert().values(id=1, at=datetime(2026, 1, 1, 12, tzinfo=tbilisi))
        )
    async with db.read() as conn:
        stored = (await conn.execute(select(table.c.at))).scalar_one()
    assert stored == datetime(2026, 1, 1, 8, tzinfo=UTC) and stored.tzinfo is UTC
    with pytest.raises(Exception, match="naive datetime"):
        async with db.transaction() as conn:
            await conn.execute(table.insert().values(id=2, at=datetime(2026, 1, 1)))
    await db.close()


async def test_migration_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration that fails half-way leaves no table behind (DDL is transactional)."""
    path = tmp_path / "atomic.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}")
    from alembic.operations import Operations

    real_create_index = Operations.create_index

    def fail_later(self: Operations, *args: object, **kwargs: object) -> object:
        if args and args[0] == "ix_deadlines_due":
            raise RuntimeError("power cut")
        return real_create_index(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Operations, "create_index", fail_later)
    with pytest.raises(RuntimeError, match="power cut"):
        await db.migrate()
    await db.close()
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert names == []
