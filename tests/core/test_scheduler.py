"""Durable deadlines and recurring jobs: once, in order, across restarts and processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.core.clock import FakeClock
from bot.scheduler import Deadline, Scheduler
from bot.storage.database import Database

START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # a Friday


def weekly_friday_18() -> CronTrigger:
    return CronTrigger(day_of_week="fri", hour=18, timezone="Asia/Tbilisi")


async def test_deadline_fires_once_at_its_time(db: Database) -> None:
    clock = FakeClock(START)
    scheduler = Scheduler(db, clock)
    fired: list[tuple[str, datetime, dict[str, object]]] = []

    async def close_poll(deadline: Deadline) -> None:
        fired.append((deadline.key, clock.now(), deadline.payload))

    scheduler.on_deadline("poll.close", close_poll)
    await scheduler.start()
    await scheduler.schedule("poll.close", "7", START + timedelta(seconds=30), {"poll": 7})
    await scheduler.advance_to(START + timedelta(seconds=29))
    assert fired == []
    await scheduler.advance_to(START + timedelta(minutes=5))
    assert fired == [("7", START + timedelta(seconds=30), {"poll": 7})]
    await scheduler.advance_to(START + timedelta(hours=1))
    assert len(fired) == 1
    assert await scheduler.pending() == []


async def test_deadline_due_while_down_runs_at_start_up_once(db: Database) -> None:
    clock = FakeClock(START)
    first = Scheduler(db, clock)
    await first.start()
    await first.schedule("poll.close", "1", START + timedelta(seconds=30))
    await first.stop()  # the bot goes down before the deadline

    clock.advance(timedelta(hours=2))
    fired: list[str] = []

    async def handler(deadline: Deadline) -> None:
        fired.append(deadline.key)

    for _ in range(2):  # two restarts: still once
        again = Scheduler(db, clock)
        again.on_deadline("poll.close", handler)
        await again.start()
        await again.stop()
    assert fired == ["1"]


async def test_rescheduling_moves_and_cancel_stops(db: Database) -> None:
    clock = FakeClock(START)
    scheduler = Scheduler(db, clock)
    fired: list[str] = []

    async def handler(deadline: Deadline) -> None:
        fired.append(f"{deadline.key}@{clock.now():%H:%M}")

    scheduler.on_deadline("sla", handler)
    await scheduler.start()
    await scheduler.schedule("sla", "a", START + timedelta(minutes=10))
    await scheduler.schedule("sla", "a", START + timedelta(minutes=20))  # moved
    await scheduler.schedule("sla", "b", START + timedelta(minutes=5))
    assert await scheduler.cancel("sla", "b")
    assert not await scheduler.cancel("sla", "b")
    await scheduler.advance_to(START + timedelta(hours=1))
    assert fired == ["a@10:20"]


async def test_failing_deadline_is_retried_with_backoff(db: Database) -> None:
    clock = FakeClock(START)
    scheduler = Scheduler(db, clock)
    attempts: list[datetime] = []

    async def flaky(deadline: Deadline) -> None:
        attempts.append(clock.now())
        if len(attempts) < 3:
            raise RuntimeError("platform down")

    scheduler.on_deadline("digest.post", flaky)
    await scheduler.start()
    await scheduler.schedule("digest.post", "w48", START)
    await scheduler.advance_to(START + timedelta(hours=1))
    assert len(attempts) == 3
    assert attempts[1] - attempts[0] == timedelta(seconds=60)
    assert attempts[2] - attempts[1] == timedelta(seconds=120)
    assert await scheduler.pending() == []


async def test_recurring_job_runs_each_slot_in_local_time(db: Database) -> None:
    clock = FakeClock(START)
    scheduler = Scheduler(db, clock)
    slots: list[datetime] = []

    async def digest(slot: datetime) -> None:
        slots.append(slot)

    scheduler.add_recurring("digest", weekly_friday_18(), digest)
    await scheduler.start()
    await scheduler.advance_to(START + timedelta(days=14))
    # 18:00 in Tbilisi is 14:00 UTC, on the 27th of November and the 4th of December.
    assert slots == [datetime(2026, 11, 27, 14, tzinfo=UTC), datetime(2026, 12, 4, 14, tzinfo=UTC)]


async def test_two_processes_run_a_slot_once(db: Database) -> None:
    clock = FakeClock(START)
    runs: list[str] = []

    def make(owner: str) -> Scheduler:
        scheduler = Scheduler(db, clock, owner=owner)

        async def digest(slot: datetime) -> None:
            runs.append(owner)

        scheduler.add_recurring("digest", weekly_friday_18(), digest)
        return scheduler

    a, b = make("a"), make("b")
    await a.start()
    await b.start()
    clock.set(datetime(2026, 11, 27, 14, tzinfo=UTC))
    await a.run_pending()
    await b.run_pending()
    assert runs == ["a"]


@pytest.mark.parametrize(("late", "runs"), [(timedelta(hours=2), 1), (timedelta(hours=7), 0)])
async def test_missed_slot_catches_up_only_within_grace(
    db: Database, late: timedelta, runs: int
) -> None:
    slot = datetime(2026, 11, 27, 14, tzinfo=UTC)
    clock = FakeClock(slot + late)  # the bot was down at 18:00 local time
    scheduler = Scheduler(db, clock)
    seen: list[datetime] = []

    async def digest(at: datetime) -> None:
        seen.append(at)

    scheduler.add_recurring("digest", weekly_friday_18(), digest, catch_up=timedelta(hours=6))
    await scheduler.start()
    assert seen == [slot] * runs
    # A restart right after does not post it again.
    again = Scheduler(db, clock)
    again.add_recurring("digest", weekly_friday_18(), digest, catch_up=timedelta(hours=6))
    await again.start()
    assert seen == [slot] * runs


async def test_registration_errors(db: Database) -> None:
    scheduler = Scheduler(db, FakeClock(START))

    async def nothing(_: Deadline) -> None:
        return None

    scheduler.on_deadline("x", nothing)
    with pytest.raises(ValueError, match="twice"):
        scheduler.on_deadline("x", nothing)
    with pytest.raises(ValueError, match="naive"):
        await scheduler.schedule("x", "1", datetime(2026, 1, 1))


async def test_live_timer_wakes_for_a_deadline(db: Database) -> None:
    """On the real clock, APScheduler wakes the scheduler at the due time (no polling wait)."""
    import asyncio

    from bot.core.clock import SystemClock

    clock = SystemClock()
    scheduler = Scheduler(db, clock, poll_interval=3600)
    done = asyncio.Event()

    async def handler(_: Deadline) -> None:
        done.set()

    scheduler.on_deadline("t", handler)
    await scheduler.start()
    try:
        await scheduler.schedule("t", "1", clock.now() + timedelta(milliseconds=50))
        await asyncio.wait_for(done.wait(), timeout=5)
    finally:
        await scheduler.stop()


async def test_a_job_that_schedules_work_due_now_does_not_deadlock(db: Database) -> None:
    clock = FakeClock(START)
    scheduler = Scheduler(db, clock)
    ran: list[str] = []

    async def first(deadline: Deadline) -> None:
        ran.append("first")
        await scheduler.schedule("second", "1", clock.now())
        assert await scheduler.run_pending() == 0  # inside a pass: returns at once

    async def second(deadline: Deadline) -> None:
        ran.append("second")

    scheduler.on_deadline("first", first)
    scheduler.on_deadline("second", second)
    await scheduler.start()
    await scheduler.schedule("first", "1", START)
    await scheduler.run_pending()
    assert ran == ["first", "second"]  # picked up by the same pass


FRIDAY_18 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 18:00 in Tbilisi


async def test_a_failed_recurring_run_is_retried_until_it_succeeds(db: Database) -> None:
    clock = FakeClock(START)
    scheduler = Scheduler(db, clock)
    runs: list[datetime] = []

    async def flaky(slot: datetime) -> None:
        runs.append(clock.now())
        if len(runs) < 3:
            raise RuntimeError("the platform refused the post")

    scheduler.add_recurring("digest.x", weekly_friday_18(), flaky, catch_up=timedelta(hours=6))
    await scheduler.start()
    await scheduler.advance_to(FRIDAY_18 + timedelta(hours=1))
    # Two failures, then a success: retried with back-off (30 s, then 60 s), run once.
    assert runs == [
        FRIDAY_18,
        FRIDAY_18 + timedelta(seconds=30),
        FRIDAY_18 + timedelta(seconds=90),
    ]
    await scheduler.advance_to(FRIDAY_18 + timedelta(days=1))
    assert len(runs) == 3


async def test_retries_stop_at_the_catch_up_window(db: Database) -> None:
    clock = FakeClock(START)
    scheduler = Scheduler(db, clock)
    runs: list[datetime] = []

    async def broken(slot: datetime) -> None:
        runs.append(clock.now())
        raise RuntimeError("down")

    scheduler.add_recurring("digest.x", weekly_friday_18(), broken, catch_up=timedelta(minutes=10))
    await scheduler.start()
    await scheduler.advance_to(FRIDAY_18 + timedelta(hours=2))
    assert runs and all(run - FRIDAY_18 <= timedelta(minutes=10) for run in runs)


async def test_a_run_left_unfinished_by_a_dead_process_is_resumed(db: Database) -> None:
    clock = FakeClock(FRIDAY_18)
    # A process claimed the 18:00 run and died before finishing it.
    assert await Scheduler(db, clock, owner="dead:1").claim_run("digest.x", FRIDAY_18.isoformat())
    clock.advance(timedelta(minutes=20))
    runs: list[datetime] = []

    async def post(slot: datetime) -> None:
        runs.append(slot)

    fresh = Scheduler(db, clock, owner="new:2")
    fresh.add_recurring("digest.x", weekly_friday_18(), post, catch_up=timedelta(hours=6))
    await fresh.start()  # the claim is older than the lease: taken over at start-up
    assert runs == [FRIDAY_18]
    again = Scheduler(db, clock, owner="new:3")
    again.add_recurring("digest.x", weekly_friday_18(), post, catch_up=timedelta(hours=6))
    await again.start()
    assert runs == [FRIDAY_18]  # done: never twice


async def test_a_live_claim_is_waited_for_not_taken(db: Database) -> None:
    clock = FakeClock(FRIDAY_18 + timedelta(minutes=1))
    other = Scheduler(db, clock, owner="busy:1")
    assert await other.claim_run("digest.x", FRIDAY_18.isoformat())
    runs: list[datetime] = []

    async def post(slot: datetime) -> None:
        runs.append(clock.now())

    mine = Scheduler(db, clock, owner="me:2")
    mine.add_recurring("digest.x", weekly_friday_18(), post, catch_up=timedelta(hours=6))
    await mine.start()
    assert runs == []  # the other process may still be posting it
    await mine.advance_to(FRIDAY_18 + timedelta(minutes=30))
    assert runs == [FRIDAY_18 + timedelta(minutes=6)]  # its lease ended: resumed once
