"""SLA clock arithmetic on stored clocks: time counted so far, when a share of the target is
reached, and whether a stopped clock met its target.

A clock counts business (or calendar) time while it runs; pausing adds the running segment to
``accrued`` and clears ``running_since``. Achievement is decided from these durations, never
from a stored flag, so editing the schedule cannot leave a case marked wrongly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cogs.desk.hours import Schedule
from cogs.desk.store import Clock

CALENDAR = Schedule.always()

FIRST = "first"
NEXT = "next"
RESOLUTION = "resolution"
RESPONSE_KINDS = (FIRST, NEXT)


def schedule_of(clock: Clock, business: Schedule) -> Schedule:
    return business if clock.business else CALENDAR


def counted(clock: Clock, business: Schedule, now: datetime) -> timedelta:
    """Time the clock has counted up to ``now`` (or up to where it stopped)."""
    total = clock.accrued
    if clock.running_since is not None:
        end = clock.stopped_at or now
        total += schedule_of(clock, business).elapsed(clock.running_since, end)
    return total


def reaches(clock: Clock, business: Schedule, share: float) -> datetime | None:
    """When a running clock reaches ``share`` of its target (None when paused or stopped)."""
    if clock.running_since is None or clock.stopped_at is not None:
        return None
    left = clock.target * share - clock.accrued
    return schedule_of(clock, business).add(clock.running_since, max(left, timedelta(0)))


def met(clock: Clock, business: Schedule, now: datetime) -> bool | None:
    """True/False once decided (stopped, or past its target while running), None while the
    target can still be met."""
    spent = counted(clock, business, now)
    if spent > clock.target:
        return False
    return True if clock.stopped_at is not None else None
