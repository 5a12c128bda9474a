"""Small states that several bot processes change in turn: one JSON row per key.

Per-member limits (messages in a window, the last post under slow mode, joins in a burst) are
only limits when every process counts the same messages. :meth:`SharedState.change` reads a
key's state, applies a change and writes it back so that no other process's change to the same
key is lost:

* on PostgreSQL, optimistically on one connection the process keeps for this (autocommit: two
  statements, no BEGIN/COMMIT): ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` reads the
  state and its version, ``UPDATE … WHERE version = v`` writes it; when another process wrote
  in between, the change is applied again to the newer state;
* on SQLite, in one write transaction (``BEGIN IMMEDIATE`` already serializes the writers).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import schema
from bot.storage.database import Database, StorageError

table = schema.shared_state
T = TypeVar("T")

TRIES = 20
"""Attempts before a change gives up (only when other processes keep writing the same key)."""


class SharedState:
    """Read-modify-write of small JSON states; no change to a key is lost between processes."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.postgres = db.dialect == "postgresql"
        statement = (pg_insert if self.postgres else sqlite_insert)(table)
        self._take = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"touched_at": statement.excluded.touched_at},
        ).returning(table.c.state, table.c.version)
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()

    async def change(self, key: str, now: datetime, apply: Callable[[dict[str, Any]], T]) -> T:
        """Apply ``apply`` to the state of ``key`` (empty the first time) and store the result;
        returns what ``apply`` returned. ``apply`` may run more than once (on a newer state
        when another process wrote meanwhile), so it only changes the dict it is given."""
        if not self.postgres:
            async with self.db.transaction() as conn:
                raw, _ = await self._read(conn, key, now)
                state = json.loads(raw)
                result = apply(state)
                after = _dump(state)
                if after != raw:
                    await conn.execute(
                        table.update().where(table.c.key == key).values(state=after)
                    )
                return result
        async with self._lock:
            conn = await self._connection()
            try:
                for _ in range(TRIES):
                    raw, version = await self._read(conn, key, now)
                    state = json.loads(raw)
                    result = apply(state)
                    after = _dump(state)
                    if after == raw:
                        return result
                    written = await conn.execute(
                        table.update()
                        .where(table.c.key == key, table.c.version == version)
                        .values(state=after, version=version + 1)
                    )
                    if written.rowcount == 1:
                        return result
            except BaseException:
                await self.close()  # a broken connection is not reused
                raise
        raise StorageError(f"shared state {key!r}: still changing after {TRIES} tries")

    async def _read(self, conn: AsyncConnection, key: str, now: datetime) -> tuple[str, int]:
        row = (
            await conn.execute(self._take, {"key": key, "state": "{}", "touched_at": now})
        ).one()
        return str(row[0]), int(row[1])

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            conn = await self.db.engine.connect()
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def drop(self, key: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(delete(table).where(table.c.key == key))

    async def prune(self, prefix: str, older_than: datetime) -> int:
        """Forget the states under ``prefix`` nobody touched since ``older_than``; rows removed."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                delete(table).where(
                    table.c.key.startswith(prefix, autoescape=True),
                    table.c.touched_at < older_than,
                )
            )
        return int(result.rowcount or 0)

    async def forget_member(self, member: str) -> int:
        """Erase the states whose key ends with ``|member`` (keys name their member last)."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                delete(table).where(table.c.key.endswith(f"|{member}", autoescape=True))
            )
        return int(result.rowcount or 0)


def _dump(state: dict[str, Any]) -> str:
    return json.dumps(state, separators=(",", ":"))
