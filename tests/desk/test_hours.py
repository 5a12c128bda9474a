"""Business-time arithmetic: weekends, holidays, DST changes, intervals across midnight, and
``add`` as the inverse of ``elapsed``; schedules that cannot be used are refused by name."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from cogs.desk.hours import Schedule, ScheduleError, parse_interval, week_of
from cogs.desk.settings import DeskSettings, HoursSettings

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
TBILISI = ZoneInfo("Asia/Tbilisi")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def office(zone: ZoneInfo, holidays: frozenset[date] = frozenset()) -> Schedule:
    return Schedule(zone, week_of({day: ["09:00-18:00"] for day in WORKDAYS}), holidays)


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[arg-type, misc]


def minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def span(hours: Schedule, start: tuple[int, ...], end: tuple[int, ...]) -> float:
    """Business minutes between two Tbilisi wall-clock times."""
    return minutes(hours.elapsed(at(TBILISI, *start), at(TBILISI, *end)))


def test_friday_evening_to_monday_morning_is_ninety_minutes() -> None:
    hours = office(TBILISI)
    # 2027-01-08 is a Friday.
    assert (
        minutes(hours.elapsed(at(TBILISI, 2027, 1, 8, 17, 30), at(TBILISI, 2027, 1, 11, 10))) == 90
    )
    assert hours.add(at(TBILISI, 2027, 1, 8, 17, 30), timedelta(hours=2)) == at(
        TBILISI, 2027, 1, 11, 10, 30
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2027, 1, 11, 8, 0), (2027, 1, 11, 8, 59), 0),  # before opening
        ((2027, 1, 11, 18, 0), (2027, 1, 12, 9, 0), 0),  # closing to opening
        ((2027, 1, 9, 10, 0), (2027, 1, 10, 23, 0), 0),  # a weekend
        ((2027, 1, 11, 9, 0), (2027, 1, 18, 9, 0), 5 * 540),  # a whole week
        ((2027, 1, 11, 12, 0), (2027, 1, 11, 12, 0), 0),  # no time at all
        ((2027, 1, 11, 12, 0), (2027, 1, 11, 11, 0), 0),  # backwards
        ((2027, 1, 11, 17, 59), (2027, 1, 12, 9, 1), 2),
    ],
)
def test_plain_vectors(start: tuple[int, ...], end: tuple[int, ...], expected: float) -> None:
    assert minutes(office(TBILISI).elapsed(at(TBILISI, *start), at(TBILISI, *end))) == expected


def test_holidays_do_not_count() -> None:
    hours = office(TBILISI, frozenset({date(2027, 1, 1), date(2027, 1, 7)}))
    # Thu 2026-12-31 17:00 -> Mon 2027-01-04 10:00: Friday Jan 1 is a holiday.
    assert (
        minutes(hours.elapsed(at(TBILISI, 2026, 12, 31, 17), at(TBILISI, 2027, 1, 4, 10))) == 120
    )
    # Wed Jan 6 17:00 + 2 h: Thursday Jan 7 is a holiday, so Friday 10:00.
    assert hours.add(at(TBILISI, 2027, 1, 6, 17), timedelta(hours=2)) == at(
        TBILISI, 2027, 1, 8, 10
    )


def test_dst_changes_count_real_time() -> None:
    night = Schedule(BERLIN, week_of({"sun": ["00:00-04:00"]}))
    # Berlin springs forward on 2027-03-28 at 02:00: that night's interval lasts 3 hours...
    assert night.elapsed(at(BERLIN, 2027, 3, 28), at(BERLIN, 2027, 3, 29)) == timedelta(hours=3)
    # ...and falls back on 2027-10-31 at 03:00: 5 hours.
    assert night.elapsed(at(BERLIN, 2027, 10, 31), at(BERLIN, 2027, 11, 1)) == timedelta(hours=5)
    # A working day across the change is still nine hours of wall clock.
    day = Schedule(NEW_YORK, week_of({"mon": ["09:00-18:00"], "fri": ["09:00-18:00"]}))
    # 2027-03-14 is the US change (Sunday); Friday before to Monday after.
    friday, monday_end = at(NEW_YORK, 2027, 3, 12, 17), at(NEW_YORK, 2027, 3, 15, 18)
    assert day.elapsed(friday, monday_end) == timedelta(hours=10)
    assert day.add(friday, timedelta(hours=2)) == at(NEW_YORK, 2027, 3, 15, 10)
    assert day.add(friday, timedelta(hours=2)).astimezone(NEW_YORK).hour == 10  # EDT now


def test_an_interval_across_midnight_belongs_to_both_days() -> None:
    late = Schedule(TBILISI, week_of({"fri": ["22:00-02:00"], "sun": ["23:00-01:00"]}))
    # 2027-01-08 is a Friday.
    assert (
        minutes(late.elapsed(at(TBILISI, 2027, 1, 8, 23), at(TBILISI, 2027, 1, 9, 1, 30))) == 150
    )
    assert minutes(late.elapsed(at(TBILISI, 2027, 1, 9, 1), at(TBILISI, 2027, 1, 9, 3))) == 60
    # Sunday 23:00 continues into Monday 00:00-01:00 (the week wraps).
    assert minutes(late.elapsed(at(TBILISI, 2027, 1, 10, 12), at(TBILISI, 2027, 1, 11, 12))) == 120
    # A holiday on Saturday takes the part after midnight.
    holiday = Schedule(late.zone, late.week, frozenset({date(2027, 1, 9)}))
    assert minutes(holiday.elapsed(at(TBILISI, 2027, 1, 8, 20), at(TBILISI, 2027, 1, 9, 5))) == 120


def test_calendar_time_is_every_minute() -> None:
    start = datetime(2027, 1, 8, 17, 30, tzinfo=UTC)
    assert Schedule.always().elapsed(start, start + timedelta(days=3)) == timedelta(days=3)
    assert Schedule.always().add(start, timedelta(hours=5)) == start + timedelta(hours=5)


def test_add_is_the_inverse_of_elapsed() -> None:
    rng = random.Random(7)
    schedules = [
        office(BERLIN, frozenset({date(2027, 3, 26)})),
        Schedule(
            NEW_YORK, week_of({"mon": ["08:00-12:00", "13:00-17:30"], "sat": ["22:00-03:00"]})
        ),
        Schedule(TBILISI, week_of({"wed": ["00:00-24:00"]})),
    ]
    base = datetime(2027, 1, 1, tzinfo=UTC)
    for _ in range(300):
        hours = rng.choice(schedules)
        start = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
        amount = timedelta(minutes=rng.randrange(1, 60 * 40))
        end = hours.add(start, amount)
        assert hours.elapsed(start, end) == amount
        assert hours.elapsed(start, end - timedelta(seconds=1)) < amount
    assert office(BERLIN).add(base, timedelta(0)) == base


def test_open_or_not() -> None:
    hours = office(TBILISI)
    assert hours.is_open(at(TBILISI, 2027, 1, 11, 9, 0))
    assert not hours.is_open(at(TBILISI, 2027, 1, 11, 18, 0))
    assert not hours.is_open(at(TBILISI, 2027, 1, 9, 12, 0))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("9-18", "not an interval"),
        ("09:00-09:00", "is empty"),
        ("25:00-26:00", "hours run 00:00 to 24:00"),
        ("09:00-24:30", "hours run 00:00 to 24:00"),
        ("09:61-10:00", "hours run"),
    ],
)
def test_bad_intervals_say_why(text: str, problem: str) -> None:
    with pytest.raises(ScheduleError, match=problem):
        parse_interval(text)


def test_overlaps_are_refused_with_both_intervals() -> None:
    with pytest.raises(ScheduleError, match="mon 09:00-13:00 and mon 12:00-18:00 overlap"):
        week_of({"mon": ["09:00-13:00", "12:00-18:00"]})
    with pytest.raises(ScheduleError, match="sun 22:00-03:00 and mon 02:00-05:00 overlap on mon"):
        week_of({"sun": ["22:00-03:00"], "mon": ["02:00-05:00"]})
    assert week_of({"mon": ["09:00-13:00", "13:00-18:00"]})[0] == ((540, 780), (780, 1080))


def test_settings_refuse_an_empty_week_and_name_the_day() -> None:
    empty: dict[str, list[str]] = {day: [] for day in (*WORKDAYS, "sat", "sun")}
    with pytest.raises(ValidationError, match="no business hours on any day"):
        HoursSettings.model_validate(empty)
    with pytest.raises(ValidationError) as caught:
        HoursSettings.model_validate({"tue": ["18:00-18:00"]})
    assert caught.value.errors()[0]["loc"] == ("tue",)
    assert DeskSettings.model_validate({"hours": {"sat": "10:00-14:00"}}).hours.sat == [
        "10:00-14:00"
    ]
