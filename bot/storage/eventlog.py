"""The event log: every inbound event features see, written in batches.

Metrics are computed from this table. Writes are buffered and flushed when the batch is
full, at least every ``flush_interval`` seconds, and on close, so a clean stop loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.core.events import Event, PollVoted
from bot.storage import schema
from bot.storage.database import Database

log = logging.getLogger(__name__)


class EventLog:
    """Buffers event rows and writes them in one transaction per batch."""

    def __init__(
        self,
        db: Database,
        *,
        store_text: bool = False,
        batch_size: int = 500,
        flush_interval: float = 1.0,
    ) -> None:
        self._db = db
        self._store_text = store_text
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._buffer: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None
        self.written = 0

    def start(self) -> None:
        """Start the periodic flush (call inside the running loop)."""
        if self._timer is None:
            self._timer = asyncio.create_task(self._flush_periodically(), name="eventlog-flush")

    async def record(self, event: Event) -> None:
        """Queue one event; flushes when the batch is full."""
        self._buffer.append(self.row(event))
        if len(self._buffer) >= self._batch_size:
            await self.flush()

    def row(self, event: Event) -> dict[str, Any]:
        channel = event.channel_ref
        actor = event.actor
        message = event.message_ref
        data: dict[str, Any] | None = None
        if isinstance(event, PollVoted):
            data = {"poll": event.poll_id, "options": list(event.options)}
        elif (reply := getattr(event, "reply_to_author", None)) is not None:
            data = {"reply_to_member": reply.id}
        elif (emoji := getattr(event, "emoji", None)) is not None:
            author = getattr(event, "message_author", None)
            data = {"emoji": emoji, "message_author": author.id if author else None}
        elif (action := getattr(event, "action", None)) is not None:
            data = {"action": action}
        return {
            "kind": event.kind,
            "platform": event.community.platform.value,
            "community": event.community.id,
            "channel": channel.id if channel else None,
            "thread": channel.thread if channel else None,
            "member": actor.ref.id if actor else None,
            "message": message.id if message else None,
            "occurred_at": event.occurred_at,
            "text": event.text if self._store_text else None,
            "data": data,
        }

    async def flush(self) -> None:
        """Write everything buffered so far."""
        async with self._lock:
            if not self._buffer:
                return
            rows, self._buffer = self._buffer, []
            try:
                async with self._db.transaction() as conn:
                    await conn.execute(schema.events.insert(), rows)
            except Exception:
                # Keep the rows for the next attempt rather than losing analytics.
                self._buffer[:0] = rows
                raise
            self.written += len(rows)

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._flush_interval)
            try:
                await self.flush()
            except Exception:
                log.exception("event log flush failed; will retry")

    async def close(self) -> None:
        """Stop the timer and write what is left."""
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
            self._timer = None
        await self.flush()
