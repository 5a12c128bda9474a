"""Lanes: slow work a feature hands off so the hot path (moderation) never waits behind it.

A platform delivers a chat's updates one at a time; if the FAQ matched and answered each
question before the next update was looked at, a stop-word message queued behind a hundred
questions would be deleted minutes late. Features put such work in a named lane: each lane
runs its jobs in order, one at a time, beside the dispatcher. In simulations and tests (a fake
clock) lanes run inline, so transcripts stay deterministic.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]

MAX_QUEUED = 10_000
"""Jobs one lane holds; beyond that the oldest waiting job is dropped (and logged)."""


class Lanes:
    def __init__(self, *, inline: bool) -> None:
        self.inline = inline
        self._queues: dict[str, asyncio.Queue[Job]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}

    async def run(self, lane: str, job: Job) -> None:
        """Run ``job`` in ``lane``: now when inline, else after the lane's earlier jobs."""
        if self.inline:
            await job()
            return
        queue = self._queues.get(lane)
        if queue is None:
            queue = self._queues[lane] = asyncio.Queue()
            self._workers[lane] = asyncio.create_task(self._work(lane, queue), name=lane)
        if queue.qsize() >= MAX_QUEUED:
            with contextlib.suppress(asyncio.QueueEmpty):
                queue.get_nowait()
                queue.task_done()
            log.warning("lane %s is full: the oldest waiting job was dropped", lane)
        queue.put_nowait(job)

    def waiting(self, lane: str) -> int:
        queue = self._queues.get(lane)
        return queue.qsize() if queue is not None else 0

    async def _work(self, lane: str, queue: asyncio.Queue[Job]) -> None:
        while True:
            job = await queue.get()
            try:
                await job()
            except Exception:
                log.exception("a job in lane %s failed", lane)
            finally:
                queue.task_done()

    async def drain(self) -> None:
        """Finish what is queued, then stop the workers (at shutdown, before the database)."""
        for queue in self._queues.values():
            await queue.join()
        for worker in self._workers.values():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._queues.clear()
        self._workers.clear()
