"""Small states that several bot processes change in turn: one JSON row per key.

Per-member limits (messages in a window, the last post under slow mode, joins in a burst) are
only limits when every process counts the same messages. A process holds a key's row locked
while it reads and writes it: on PostgreSQL ``INSERT … ON CONFLICT DO UPDATE`` takes the row
lock and returns the state in one statement; on SQLite the write transaction (``BEGIN
IMMEDIATE``) already serializes the writers. Two statements per change on both.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.storage import schema
from bot.storage.database import Database

table = schema.shared_state


class SharedState:
    """Read-modify-write of small JSON states, one process at a time per key."""

    def __init__(self, db: Database) -> None:
        self.db = db
        insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
        statement = insert(table)
        self._take = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"touched_at": statement.excluded.touched_at},
        ).returning(table.c.state)

    @asynccontextmanager
    async def hold(self, key: str, now: datetime) -> AsyncIterator[dict[str, Any]]:
        """The state of ``key`` (empty the first time), written back when the block ends;
        no other process changes it meanwhile. An exception in the block keeps the old state."""
        async with self.db.transaction() as conn:
            raw = (
                await conn.execute(self._take, {"key": key, "state": "{}", "touched_at": now})
            ).scalar_one()
            state: dict[str, Any] = json.loads(raw)
            yield state
            after = json.dumps(state, separators=(",", ":"))
            if after != raw:
                await conn.execute(table.update().where(table.c.key == key).values(state=after))

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
