"""Business hours: a weekly schedule in a time zone, with holidays, and the clock arithmetic
SLA targets need (how much business time lies between two instants, and when a business
duration starting at an instant ends).

Intervals are local wall-clock times; each day's intervals become real (UTC) spans through the
IANA zone, so a DST change makes the day's business time as long as it really was (a 09:00-18:00
day is still 9 hours; a 00:00-04:00 interval on the spring-forward night is 3). An interval that
crosses midnight (``22:00-02:00``) is split at midnight and its second half belongs to the next
day (Zendesk's rule: intervals never cross a date boundary), so a holiday takes the part that
falls on it. Holidays are local dates.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_A_DAY = 24 * 60
# How far ahead ``add`` looks for business time before it gives up (a schedule whose every
# day is a holiday): ten years.
_HORIZON_DAYS = 3660

_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")

Span = tuple[int, int]
"""Minutes from local midnight: [start, end), 0 <= start < end <= 1440."""


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says which day and interval."""


def parse_interval(text: str) -> tuple[int, int]:
    """``"09:00-18:00"`` -> (540, 1080); ``"22:00-02:00"`` -> (1320, 120) (crosses midnight);
    ``24:00`` is allowed as an end. Raises :class:`ScheduleError` on anything else."""
    match = _INTERVAL.match(text)
    if match is None:
        raise ScheduleError(f"{text!r} is not an interval such as '09:00-18:00'")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ScheduleError(f"{text!r}: hours run 00:00 to 24:00")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ScheduleError(
            f"{text!r} is empty (it starts where it ends; a whole day is 00:00-24:00)"
        )
    if end == 0:
        end = MINUTES_A_DAY  # "18:00-00:00" ends at midnight
    return start, end


def week_of(days: Mapping[str, Sequence[str]]) -> tuple[tuple[Span, ...], ...]:
    """Seven days of sorted, disjoint spans from ``{"mon": ["09:00-18:00"], ...}``.

    Intervals that cross midnight continue on the next day (Sunday into Monday). Overlaps,
    also with such a continuation, are errors naming both intervals."""
    spans: list[list[tuple[Span, str]]] = [[] for _ in DAYS]
    for day, intervals in days.items():
        if day not in DAYS:
            raise ScheduleError(f"{day!r} is not a day (use {', '.join(DAYS)})")
        index = DAYS.index(day)
        for text in intervals:
            start, end = parse_interval(text)
            label = f"{day} {text.strip()}"
            if end > start:
                spans[index].append(((start, end), label))
            else:  # crosses midnight
                spans[index].append(((start, MINUTES_A_DAY), label))
                spans[(index + 1) % 7].append(((0, end), label))
    week = []
    for index, day_spans in enumerate(spans):
        day_spans.sort()
        for (first, first_label), (second, second_label) in itertools.pairwise(day_spans):
            if second[0] < first[1]:
                raise ScheduleError(
                    f"{first_label} and {second_label} overlap on {DAYS[index]}"
                    " (business hours must not count twice)"
                )
        week.append(tuple(span for span, _ in day_spans))
    return tuple(week)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekly business intervals in ``zone``, minus ``holidays`` (local dates)."""

    zone: ZoneInfo
    week: tuple[tuple[Span, ...], ...]
    holidays: frozenset[date] = frozenset()

    @classmethod
    def always(cls) -> Schedule:
        """Calendar time: every minute counts."""
        return cls(ZoneInfo("UTC"), tuple(((0, MINUTES_A_DAY),) for _ in DAYS))

    @property
    def is_empty(self) -> bool:
        return not any(self.week)

    def spans(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The business spans (UTC, clipped) between ``start`` and ``end``, in order."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date() + timedelta(days=1)
        while day <= last:
            for a, b in self._day(day):
                lo, hi = max(a, start), min(b, end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants (zero when ``end`` is not after ``start``)."""
        return sum((hi - lo for lo, hi in self.spans(start, end)), timedelta(0))

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The first instant at which ``amount`` of business time has passed since ``start``
        (a zero amount: ``start`` itself, even outside business hours)."""
        start = _utc(start)
        if amount <= timedelta(0):
            return start
        left = amount
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(_HORIZON_DAYS):
            for a, b in self._day(day):
                lo = max(a, start)
                if lo >= b:
                    continue
                if b - lo >= left:
                    return lo + left
                left -= b - lo
            day += timedelta(days=1)
        raise ScheduleError("no business hours in the next ten years (every day a holiday?)")

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` falls inside business hours."""
        moment = _utc(moment)
        return any(True for _ in self.spans(moment, moment + timedelta(microseconds=1)))

    def _day(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if day in self.holidays:
            return
        for a, b in self.week[day.weekday()]:
            yield self._instant(day, a), self._instant(day, b)

    def _instant(self, day: date, minutes: int) -> datetime:
        if minutes >= MINUTES_A_DAY:
            day, minutes = day + timedelta(days=1), minutes - MINUTES_A_DAY
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return local.astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business-time arithmetic needs aware datetimes")
    return moment.astimezone(UTC)
