"""Service desk hot paths: business-time arithmetic and the KPIs over many cases.

Usage: python benchmarks/desk.py [--cases N] [--spans N]

What is timed (seed 5, data made here): ``Schedule.elapsed`` and ``Schedule.add`` on random
spans up to 30 days (Mon-Fri 09:00-18:00 in Europe/Berlin, DST changes and holidays inside),
against the naive baseline that walks the span minute by minute and asks "is this minute
open?" (what a clock "that only runs in working hours" looks like when written directly),
both in the same run; and the desk's KPIs (FRT median/p90, share within SLA, without
escalation, backlog, per helper over 20 helpers) for ``--cases`` cases, as /stats computes
them. Goals: arithmetic well
under a millisecond a span (clocks are recomputed on every case change), KPIs for 10,000 cases
under a second.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cogs.desk.hours import Schedule, week_of  # noqa: E402
from cogs.desk.metrics import figures  # noqa: E402
from cogs.desk.tables import Case, Clock  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")
HOURS = Schedule(
    ZONE,
    week_of({day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}),
    frozenset({date(2027, 1, 1), date(2027, 4, 5), date(2027, 12, 24)}),
)


def naive_elapsed(start: datetime, end: datetime) -> timedelta:
    """Minute by minute: the baseline."""
    minutes, moment = 0, start
    while moment < end:
        local = moment.astimezone(ZONE)
        day = HOURS.week[local.weekday()]
        now = local.hour * 60 + local.minute
        if local.date() not in HOURS.holidays and any(a <= now < b for a, b in day):
            minutes += 1
        moment += timedelta(minutes=1)
    return timedelta(minutes=minutes)


def spans(rng: random.Random, count: int) -> list[tuple[datetime, datetime]]:
    base = datetime(2027, 1, 1, tzinfo=UTC)
    out = []
    for _ in range(count):
        start = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 360))
        out.append((start, start + timedelta(minutes=rng.randrange(1, 60 * 24 * 30))))
    return out


def make_cases(rng: random.Random, count: int) -> tuple[list[Case], list[Clock]]:
    base = datetime(2027, 3, 1, tzinfo=UTC)
    cases, clocks = [], []
    for number in range(1, count + 1):
        opened = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 28))
        answered = opened + timedelta(minutes=rng.randrange(5, 60 * 24 * 3))
        closed = answered + timedelta(hours=rng.randrange(1, 72)) if rng.random() < 0.8 else None
        cases.append(Case(
            id=number, platform="console", community="c", requester=str(number % 500),
            requester_name="m", subject="s", tags="", origin="question", channel="help",
            thread=None, card_channel=None, card_message=None,
            status="closed" if closed else "waiting_staff", policy="default", assignee=None,
            assignee_name=None, opened_at=opened, first_response_at=answered,
            first_any_response_at=answered, last_member_at=opened, closed_at=closed,
            close_reason=None, escalation_step=0, escalations=int(rng.random() < 0.1),
            reopens=0, satisfaction=rng.randrange(1, 6) if closed else None, merged_into=None,
            first_responder=f"h{number % 20}", first_responder_name=f"helper {number % 20}",
        ))  # fmt: skip
        spent = HOURS.elapsed(opened, answered)
        clocks.append(Clock(
            case_id=number, kind="first", round=1, target_seconds=7200, business=True,
            started_at=opened, running_since=None, accrued_seconds=int(spent.total_seconds()),
            stopped_at=answered, breached_at=None, warned_at=None,
        ))  # fmt: skip
    return cases, clocks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=2_000)
    parser.add_argument("--baseline-spans", type=int, default=20)
    args = parser.parse_args(argv)
    rng = random.Random(5)
    work = spans(rng, args.spans)
    started = time.perf_counter()
    for start, end in work:
        HOURS.elapsed(start, end)
    elapsed_us = (time.perf_counter() - started) / len(work) * 1e6
    started = time.perf_counter()
    for start, end in work:
        HOURS.add(start, (end - start) / 4)
    add_us = (time.perf_counter() - started) / len(work) * 1e6
    sample = work[: args.baseline_spans]
    started = time.perf_counter()
    for start, end in sample:
        assert naive_elapsed(start, end) == HOURS.elapsed(start, end)
    naive_us = (time.perf_counter() - started) / len(sample) * 1e6
    print(f"business elapsed: {elapsed_us:.0f} µs a span (up to 30 days)")
    print(f"business add: {add_us:.0f} µs a span")
    speedup = naive_us / elapsed_us
    print(f"naive minute walk (baseline): {naive_us:.0f} µs a span; speed-up {speedup:.0f}x")
    cases, clocks = make_cases(rng, args.cases)
    start, end = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 29, tzinfo=UTC)
    started = time.perf_counter()
    found = figures(cases, clocks, HOURS, start, end, end)
    kpi_s = time.perf_counter() - started
    print(f"KPIs for {args.cases} cases: {kpi_s:.3f} s (within SLA {found.within_sla:.2f},"
          f" FRT median {found.frt_staff_median}, {len(found.helpers)} helpers)")  # fmt: skip


if __name__ == "__main__":
    main()
