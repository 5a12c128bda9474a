"""One scheduler for every platform: recurring jobs and durable deadlines.

* **Recurring jobs** (weekly digest, level recomputation) use APScheduler triggers for the
  time-zone-aware calendar arithmetic. Before a run, the job claims the unique key
  ``(job, slot)`` in ``job_runs``, so it runs once per slot even with several processes
  or after a restart. A slot missed while the bot was down runs at start-up if it is less
  than the job's ``catch_up`` late.
* **Deadlines** (poll closings, SLA clocks, mutes ending) are rows in ``deadlines``, never only
  in memory. Due rows are claimed with a lease, handled, and marked done; a crashed claim is
  retaken when its lease expires, a failing handler is retried with back-off.

Live, an APScheduler ``AsyncIOScheduler`` wakes the scheduler at the next due time (and
every ``poll_interval`` as a safety net for rows written by other processes). Under a
``FakeClock`` (tests, ``simulate``) :meth:`Scheduler.advance_to` steps through the due
times in order instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import Text, and_, cast, func, or_, select

from bot.core.clock import Clock, FakeClock, ensure_utc
from bot.core.ids import Platform
from bot.storage import schema
from bot.storage.database import Database

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
_IN_PASS: ContextVar[bool] = ContextVar("scheduler_in_pass", default=False)
MAX_ATTEMPTS = 5


def weekly_trigger(day: str, at: time, timezone: ZoneInfo) -> CronTrigger:
    """Every week on ``day`` (mon..sun) at ``at``, local time of ``timezone``."""
    return CronTrigger(day_of_week=day, hour=at.hour, minute=at.minute, timezone=timezone)


def daily_trigger(at: time, timezone: ZoneInfo) -> CronTrigger:
    """Every day at ``at``, local time of ``timezone``."""
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=timezone)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A durable deadline as stored."""

    id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int


DeadlineHandler = Callable[[Deadline], Awaitable[None]]
RecurringHandler = Callable[[datetime], Awaitable[None]]


@dataclass(slots=True)
class RecurringJob:
    name: str
    trigger: Any
    """An APScheduler trigger (``CronTrigger``, ``IntervalTrigger`` with a start date)."""
    handler: RecurringHandler
    catch_up: timedelta
    platform: str | None = None
    """The platform its community is on: only a process connected to it runs the job."""
    next_slot: datetime | None = field(default=None)
    retries: dict[datetime, tuple[datetime, int]] = field(default_factory=dict)
    """Slots whose run failed or whose claim another process holds: slot -> (when to try
    again, attempts so far). Dropped once the slot is more than ``catch_up`` late."""

    def due_retries(self, now: datetime) -> list[datetime]:
        return sorted(slot for slot, (at, _) in self.retries.items() if at <= now)


class Scheduler:
    """Runs recurring jobs and durable deadlines once, on a real or a fake clock."""

    def __init__(
        self, db: Database, clock: Clock, *, poll_interval: float = 30.0, owner: str | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._poll_interval = poll_interval
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self._recurring: dict[str, RecurringJob] = {}
        self._deadline_handlers: dict[str, DeadlineHandler] = {}
        self._aps: AsyncIOScheduler | None = None
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._stopping = False
        self._pass_lock = asyncio.Lock()
        self.serves: Callable[[str], bool] | None = None
        """Set by the app: whether this process is connected to a platform (None: every one).
        Jobs and deadlines of other platforms are left to the processes connected to them."""

    # -- registration (at feature setup) --------------------------------------------------

    def add_recurring(
        self,
        name: str,
        trigger: Any,
        handler: RecurringHandler,
        *,
        catch_up: timedelta = timedelta(0),
        platform: str | None = None,
    ) -> None:
        """Register a recurring job; ``catch_up`` is how late a missed slot may still run;
        ``platform``: only a process connected to it runs the job."""
        if name in self._recurring:
            raise ValueError(f"recurring job {name!r} registered twice")
        self._recurring[name] = RecurringJob(name, trigger, handler, catch_up, platform)

    def on_deadline(self, kind: str, handler: DeadlineHandler) -> None:
        """Register the handler for deadlines of ``kind``."""
        if kind in self._deadline_handlers:
            raise ValueError(f"deadline kind {kind!r} registered twice")
        self._deadline_handlers[kind] = handler

    # -- deadlines --------------------------------------------------------------------------

    async def schedule(
        self,
        kind: str,
        key: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        platform: str | None = None,
    ) -> None:
        """Create or move the deadline ``(kind, key)``. Stored before this returns.
        ``platform`` (default: the payload's community's) is where it must run."""
        due_at = ensure_utc(due_at)
        platform = platform or platform_of((payload or {}).get("community"))
        table = schema.deadlines
        async with self._db.transaction() as conn:
            updated = await conn.execute(
                table.update()
                .where(and_(table.c.kind == kind, table.c.key == key))
                .values(
                    due_at=due_at,
                    payload=payload or {},
                    platform=platform,
                    done_at=None,
                    claimed_by=None,
                    claimed_until=None,
                    attempts=0,
                )
            )
            if updated.rowcount == 0:
                await conn.execute(
                    table.insert().values(
                        kind=kind, key=key, due_at=due_at, payload=payload or {}, platform=platform
                    )
                )
        await self._rearm()

    async def cancel(self, kind: str, key: str) -> bool:
        """Cancel a pending deadline; returns whether one was pending."""
        table = schema.deadlines
        async with self._db.transaction() as conn:
            result = await conn.execute(
                table.update()
                .where(and_(table.c.kind == kind, table.c.key == key, table.c.done_at.is_(None)))
                .values(done_at=self._clock.now())
            )
        return bool(result.rowcount)

    async def drop(self, kind: str, key: str) -> bool:
        """Delete the deadline ``(kind, key)`` row, done or not (erasing a member's data)."""
        table = schema.deadlines
        async with self._db.transaction() as conn:
            result = await conn.execute(
                table.delete().where(and_(table.c.kind == kind, table.c.key == key))
            )
        return bool(result.rowcount)

    async def forget_done(self, value: str) -> int:
        """Delete finished deadline rows whose key or payload names ``value`` (a member id):
        their history is not worth keeping a member's data for. Pending rows are the
        owning feature's to update."""
        table = schema.deadlines
        async with self._db.transaction() as conn:
            result = await conn.execute(
                table.delete().where(
                    table.c.done_at.is_not(None),
                    or_(
                        cast(table.c.payload, Text).contains(f'"{value}"', autoescape=True),
                        table.c.key.contains(value, autoescape=True),
                    ),
                )
            )
        return int(result.rowcount or 0)

    async def pending(self, kind: str | None = None) -> list[Deadline]:
        """Deadlines not yet done, soonest first."""
        table = schema.deadlines
        query = select(table).where(table.c.done_at.is_(None)).order_by(table.c.due_at)
        if kind is not None:
            query = query.where(table.c.kind == kind)
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_deadline(row) for row in rows]

    # -- running ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Compute next slots, catch up on what was missed, and (on a real clock) start timers."""
        now = self._clock.now()
        for job in self._recurring.values():
            job.next_slot = _next_fire(job.trigger, None, now - job.catch_up)
        await self.report_unhandled()
        await self.run_pending()
        if not isinstance(self._clock, FakeClock):
            self._stopping = False
            self._aps = AsyncIOScheduler(timezone="UTC")
            self._aps.add_job(self._poke, "interval", seconds=self._poll_interval, id="poll")
            self._aps.start()
            self._worker = asyncio.create_task(self._work(), name="scheduler")
            await self._rearm()

    async def problem(self) -> str | None:
        """Why the timers are not running (None when they are), for the readiness check."""
        if isinstance(self._clock, FakeClock):
            return None  # driven by advance_to
        if self._worker is None or self._stopping:
            return "not started"
        if self._worker.done():
            return "stopped unexpectedly"
        return None

    async def stop(self) -> None:
        """Stop the timers and let a pass that is under way finish (never cut mid-write)."""
        self._stopping = True
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        if self._worker is not None:
            self._wake.set()
            await self._worker
            self._worker = None

    async def _poke(self) -> None:
        """Called by APScheduler on the loop: wake the worker (passes never overlap)."""
        self._wake.set()

    async def _work(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            try:
                await self.run_pending()
            except Exception:
                log.exception("scheduler pass failed; retrying at the next wake-up")

    async def advance_to(self, target: datetime) -> None:
        """Fake clock only: move to ``target``, running everything due on the way, in order."""
        clock = self._clock
        if not isinstance(clock, FakeClock):
            raise TypeError("advance_to needs a FakeClock")
        target = ensure_utc(target)
        while True:
            upcoming = await self.next_due()
            if upcoming is None or upcoming > target:
                break
            if upcoming > clock.now():
                clock.set(upcoming)
            await self.run_pending()
        clock.set(target)
        await self.run_pending()

    async def next_due(self) -> datetime | None:
        """The earliest time something this process runs is due (possibly in the past)."""
        jobs = [job for job in self._recurring.values() if self._serves(job.platform)]
        times = [job.next_slot for job in jobs if job.next_slot is not None]
        times += [at for job in jobs for at, _ in job.retries.values()]
        table = schema.deadlines
        async with self._db.read() as conn:
            row = (
                await conn.execute(
                    select(table.c.due_at, table.c.claimed_until)
                    .where(table.c.done_at.is_(None), *self._ours(table))
                    .order_by(table.c.due_at)
                    .limit(1)
                )
            ).first()
        if row is not None:
            times.append(max(row[0], row[1]) if row[1] is not None else row[0])
        return min(times) if times else None

    async def run_pending(self) -> int:
        """Run every recurring slot and deadline due now, oldest first; returns how many ran.

        Called from inside a job (a job that schedules something due now), it returns at once:
        the pass under way picks new work up before it ends.
        """
        if _IN_PASS.get():
            return 0
        async with self._pass_lock:
            token = _IN_PASS.set(True)
            try:
                return await self._run_pass()
            finally:
                _IN_PASS.reset(token)

    async def _run_pass(self) -> int:
        ran = 0
        while True:
            now = self._clock.now()
            # A job whose platform this process is not connected to is left to one that is
            # (its slot stays due here, so it runs once the platform connects).
            jobs = [j for j in self._recurring.values() if self._serves(j.platform)]
            due_jobs = [j for j in jobs if j.next_slot and j.next_slot <= now]
            retries = [(slot, j) for j in jobs for slot in j.due_retries(now)]
            deadlines = await self._due_deadlines(now)
            if not due_jobs and not deadlines and not retries:
                break
            items: list[tuple[datetime, int, Any]] = (
                [(j.next_slot, 0, j) for j in due_jobs if j.next_slot is not None]
                + [(d.due_at, 1, d) for d in deadlines]
                + [(s, 2, (j, s)) for s, j in retries]
            )
            items.sort(key=lambda item: (item[0], item[1]))
            for _, kind, item in items:
                if kind == 0:
                    ran += await self._run_recurring(item, now)
                elif kind == 1:
                    ran += await self._run_deadline(item)
                else:
                    job, slot = item
                    ran += await self._run_slot(job, slot, now)
        await self._rearm()
        return ran

    async def _run_recurring(self, job: RecurringJob, now: datetime) -> int:
        slot = job.next_slot
        assert slot is not None
        # Skip to the newest slot that is due: missed runs collapse into one.
        following = _next_fire(job.trigger, slot, now)
        while following is not None and following <= now:
            slot, following = following, _next_fire(job.trigger, following, now)
        job.next_slot = following
        return await self._run_slot(job, slot, now)

    async def _run_slot(self, job: RecurringJob, slot: datetime, now: datetime) -> int:
        """Run one slot once: claimed first; a failed run, or one another process claimed and
        has not finished, is tried again with back-off while the slot is less than
        ``catch_up`` late (a digest is not lost to one failed send)."""
        _, attempts = job.retries.pop(slot, (now, 0))
        key = slot.isoformat()
        claim = await self._claim_or_resume(job.name, key, now)
        if claim == "done":
            return 0
        if isinstance(claim, datetime):  # another process holds it: look when its lease ends
            self._retry(job, slot, max(claim + LEASE, now), attempts, now)
            return 0
        try:
            await job.handler(slot)
        except Exception:
            log.exception("recurring job %s for %s failed", job.name, key)
            await self._release_run(job.name, key)
            backoff = timedelta(seconds=30 * 2 ** min(attempts, 8))
            self._retry(job, slot, now + backoff, attempts + 1, now)
            return 0
        await self._mark_run_done(job.name, key)
        return 1

    def _retry(
        self, job: RecurringJob, slot: datetime, at: datetime, attempts: int, now: datetime
    ) -> None:
        if at - slot <= job.catch_up:
            job.retries[slot] = (at, attempts)
        else:
            log.error("recurring job %s for %s: no more tries, past its catch-up window",
                      job.name, slot.isoformat())  # fmt: skip

    async def _claim_or_resume(
        self, job: str, slot: str, now: datetime
    ) -> Literal["run", "done"] | datetime:
        """``run`` when this process may run the slot now: a new claim, or a claim left
        unfinished for longer than the lease (its process died); ``done`` when it ran; else
        the time another process claimed it."""
        if await self.claim_run(job, slot):
            return "run"
        table = schema.job_runs
        async with self._db.transaction() as conn:
            taken = await conn.execute(
                table.update()
                .where(
                    table.c.job == job, table.c.slot == slot, table.c.done_at.is_(None),
                    table.c.claimed_at <= now - LEASE,
                )
                .values(claimed_by=self.owner, claimed_at=now)
            )  # fmt: skip
            if taken.rowcount:
                log.info("recurring job %s for %s: resuming an unfinished run", job, slot)
                return "run"
            row = (
                await conn.execute(
                    select(table.c.claimed_at, table.c.done_at).where(
                        table.c.job == job, table.c.slot == slot
                    )
                )
            ).first()
        if row is None or row[1] is not None:
            return "done"
        return ensure_utc(row[0])

    async def _release_run(self, job: str, slot: str) -> None:
        table = schema.job_runs
        async with self._db.transaction() as conn:
            await conn.execute(
                table.delete().where(
                    table.c.job == job, table.c.slot == slot, table.c.done_at.is_(None)
                )
            )

    async def claim_run(self, job: str, slot: str) -> bool:
        """Claim the unique run key ``(job, slot)``; False when someone already has it."""
        return await self._db.insert_new(
            schema.job_runs, job=job, slot=slot, claimed_by=self.owner,
            claimed_at=self._clock.now(),
        )  # fmt: skip

    async def _mark_run_done(self, job: str, slot: str) -> None:
        table = schema.job_runs
        async with self._db.transaction() as conn:
            await conn.execute(
                table.update()
                .where(and_(table.c.job == job, table.c.slot == slot))
                .values(done_at=self._clock.now())
            )

    async def _due_deadlines(self, now: datetime) -> list[Deadline]:
        table = schema.deadlines
        async with self._db.read() as conn:
            rows = (
                (
                    await conn.execute(
                        select(table)
                        .where(
                            table.c.done_at.is_(None),
                            table.c.due_at <= now,
                            or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now),
                            *self._ours(table),
                        )
                        .order_by(table.c.due_at, table.c.id)
                        .limit(100)
                    )
                )
                .mappings()
                .all()
            )
        return [_deadline(row) for row in rows]

    def _serves(self, platform: str | None) -> bool:
        return platform is None or self.serves is None or self.serves(platform)

    def _ours(self, table: Any) -> list[Any]:
        """Deadlines this process can handle: kinds it has a handler for, on platforms it is
        connected to (the rest wait for a process that can, never failing here)."""
        conditions = [table.c.kind.in_(list(self._deadline_handlers))]
        if self.serves is not None:
            served = [p.value for p in Platform if self.serves(p.value)]
            conditions.append(or_(table.c.platform.is_(None), table.c.platform.in_(served)))
        return conditions

    async def report_unhandled(self) -> dict[str, int]:
        """Log (once, at start) pending deadlines of kinds no handler here takes: a feature
        that is not enabled, or work for another process. Returns kind -> pending rows."""
        table = schema.deadlines
        async with self._db.read() as conn:
            rows = (
                await conn.execute(
                    select(table.c.kind, func.count())
                    .where(
                        table.c.done_at.is_(None),
                        table.c.kind.not_in(list(self._deadline_handlers)),
                    )
                    .group_by(table.c.kind)
                )
            ).all()
        pending = {str(kind): int(count) for kind, count in rows}
        for kind, count in sorted(pending.items()):
            log.warning(
                "no handler for deadline kind %r here (%d pending): left for a process or a"
                " feature that handles it", kind, count,
            )  # fmt: skip
        return pending

    async def _run_deadline(self, deadline: Deadline) -> int:
        table = schema.deadlines
        now = self._clock.now()
        handler = self._deadline_handlers.get(deadline.kind)
        async with self._db.transaction() as conn:
            claimed = await conn.execute(
                table.update()
                .where(
                    table.c.id == deadline.id,
                    table.c.done_at.is_(None),
                    or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now),
                )
                .values(
                    claimed_by=self.owner, claimed_until=now + LEASE, attempts=table.c.attempts + 1
                )
            )
        if claimed.rowcount != 1:
            return 0
        if handler is None:
            log.error(
                "no handler for deadline kind %r (key %s); leaving it", deadline.kind, deadline.key
            )
            await self._finish(deadline.id, retry_at=now + LEASE)
            return 0
        try:
            await handler(deadline)
        except Exception:
            attempts = deadline.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                log.exception(
                    "deadline %s/%s failed %d times; giving up",
                    deadline.kind,
                    deadline.key,
                    attempts,
                )
                await self._finish(deadline.id)
            else:
                backoff = timedelta(seconds=30 * 2**attempts)
                log.exception(
                    "deadline %s/%s failed; retrying in %s", deadline.kind, deadline.key, backoff
                )
                await self._finish(deadline.id, retry_at=now + backoff)
            return 0
        await self._finish(deadline.id)
        return 1

    async def _finish(self, deadline_id: int, *, retry_at: datetime | None = None) -> None:
        table = schema.deadlines
        values: dict[str, Any] = (
            {"claimed_until": retry_at} if retry_at else {"done_at": self._clock.now()}
        )
        async with self._db.transaction() as conn:
            await conn.execute(table.update().where(table.c.id == deadline_id).values(**values))

    async def _rearm(self) -> None:
        """Live only: wake up at the next due time (the poll job covers other processes)."""
        if self._aps is None:
            return
        upcoming = await self.next_due()
        if upcoming is None:
            return
        run_at = max(upcoming, self._clock.now())
        self._aps.add_job(
            self._poke,
            DateTrigger(run_date=run_at),
            id="wake",
            replace_existing=True,
            misfire_grace_time=None,
        )


def _next_fire(trigger: Any, previous: datetime | None, now: datetime) -> datetime | None:
    fire = trigger.get_next_fire_time(previous, now)
    return None if fire is None else ensure_utc(fire)


def platform_of(community: object) -> str | None:
    """The platform of a stored community (``"platform:id"``), if it names one."""
    if isinstance(community, str):
        name = community.partition(":")[0]
        if name in {p.value for p in Platform}:
            return name
    return None


def _deadline(row: Any) -> Deadline:
    return Deadline(
        id=int(row["id"]),
        kind=str(row["kind"]),
        key=str(row["key"]),
        due_at=row["due_at"],
        payload=dict(row["payload"] or {}),
        attempts=int(row["attempts"]),
    )
