"""The tables the code declares and the tables the migrations build are the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table
from sqlalchemy.engine import Connection

from bot.storage.database import Database
from bot.storage.schema import all_tables


def differences(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": False}
    )
    return list(compare_metadata(context, metadata))


async def drift(url: str, metadata: MetaData) -> list[Any]:
    db = Database(url)
    try:
        await db.migrate()
        async with db.engine.connect() as conn:
            return await conn.run_sync(differences, metadata)
    finally:
        await db.close()


async def test_models_and_migrations_agree(tmp_path: Path) -> None:
    found = await drift(f"sqlite+aiosqlite:///{tmp_path / 'drift.sqlite3'}", all_tables())
    assert found == [], "models and migrations differ; add a migration:\n" + "\n".join(
        map(str, found)
    )


async def test_a_column_without_a_migration_is_caught(tmp_path: Path) -> None:
    metadata = all_tables()
    copy = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(copy)
    Table("mod_cases", copy, Column("new_column", Integer), extend_existing=True)
    found = await drift(f"sqlite+aiosqlite:///{tmp_path / 'drift.sqlite3'}", copy)
    assert any("new_column" in str(item) for item in found)
