"""Platform updates taken by a process, so one delivered twice is handled once.

Telegram delivers an update again when its webhook call failed or took too long, and behind a
load balancer the second delivery may reach another worker; after ``kill -9`` a poller fetches
again the updates it had handled but not yet confirmed. Each update is claimed before it is
handled and marked done after: a done one is skipped, one claimed by a process that has not
finished is "busy" (the webhook answers 503, so Telegram tries again later), and a claim older
than the lease (its process died) is taken over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from bot.storage import schema
from bot.storage.database import Database

table = schema.received_updates

LEASE = timedelta(seconds=60)
"""How long a claim stands before another process may take the update over."""
KEEP = timedelta(days=2)
"""Telegram keeps undelivered updates 24 hours; ids older than this cannot come back."""
PRUNE_EVERY = 5_000


class Claim(StrEnum):
    NEW = "new"
    """This process handles the update."""
    DONE = "done"
    """Handled already: skip it."""
    BUSY = "busy"
    """Another process is handling it right now."""


class UpdateLedger:
    """Claims of one bot account's updates (``source``) on one platform."""

    def __init__(self, db: Database, platform: str, source: str) -> None:
        self.db = db
        self.key = {"platform": platform, "source": source}
        self._claims = 0

    def _mine(self) -> list[ColumnElement[bool]]:
        return [table.c.platform == self.key["platform"], table.c.source == self.key["source"]]

    def _row(self, update_id: int) -> list[ColumnElement[bool]]:
        return [*self._mine(), table.c.update_id == update_id]

    def _rows(self, update_ids: set[int]) -> list[ColumnElement[bool]]:
        return [*self._mine(), table.c.update_id.in_(update_ids)]

    async def claim(self, update_id: int, now: datetime, *, lease: timedelta = LEASE) -> Claim:
        """Claim an update; ``lease``: how old another claim must be to be taken over (zero
        for a sole consumer such as a poller, whose earlier claims are a dead process's)."""
        self._claims += 1
        if self._claims % PRUNE_EVERY == 0:
            await self.prune(now - KEEP)
        if await self.db.insert_new(
            table, **self.key, update_id=update_id, claimed_at=now, done=False
        ):
            return Claim.NEW
        async with self.db.transaction() as conn:
            row = (
                await conn.execute(
                    select(table.c.claimed_at, table.c.done).where(*self._row(update_id))
                )
            ).first()
            if row is None:  # pruned meanwhile: an id that old was handled long ago
                return Claim.DONE
            if row.done:
                return Claim.DONE
            if row.claimed_at > now - lease:
                return Claim.BUSY
            # Its process died while handling it: take it over (only one taker wins).
            taken = await conn.execute(
                table.update()
                .where(*self._row(update_id), table.c.claimed_at == row.claimed_at)
                .values(claimed_at=now)
            )
            return Claim.NEW if taken.rowcount == 1 else Claim.BUSY

    async def claim_batch(self, update_ids: list[int], now: datetime) -> set[int]:
        """For a sole consumer (a poller): claim a fetched batch in one transaction; the ids to
        handle (not done yet; an unfinished claim is a dead process's and is taken over)."""
        if not update_ids:
            return set()
        wanted = set(update_ids)
        async with self.db.transaction() as conn:
            rows = (
                await conn.execute(
                    select(table.c.update_id, table.c.done).where(*self._rows(wanted))
                )
            ).all()
            known = {int(row.update_id): bool(row.done) for row in rows}
            fresh = wanted - set(known)
            if fresh:
                await conn.execute(table.insert(), [
                    {**self.key, "update_id": u, "claimed_at": now, "done": False} for u in fresh
                ])  # fmt: skip
            retaken = {u for u, done in known.items() if not done}
            if retaken:
                await conn.execute(
                    table.update().where(*self._rows(retaken)).values(claimed_at=now)
                )
        return fresh | retaken

    async def finish_batch(self, update_ids: set[int]) -> None:
        if not update_ids:
            return
        async with self.db.transaction() as conn:
            await conn.execute(table.update().where(*self._rows(update_ids)).values(done=True))

    async def finish(self, update_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(table.update().where(*self._row(update_id)).values(done=True))

    async def prune(self, older_than: datetime) -> int:
        async with self.db.transaction() as conn:
            result = await conn.execute(
                table.delete().where(*self._mine(), table.c.claimed_at < older_than)
            )
        return int(result.rowcount or 0)
