"""Which digest comes next: slots in the community's time zone, across a clock change."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from cogs.digest.settings import DigestSettings
from cogs.digest.upcoming import slots_around


def test_slots_around_now_in_local_time_across_a_clock_change() -> None:
    settings = DigestSettings(day="mon", at=time(10, 0))
    berlin = ZoneInfo("Europe/Berlin")
    # Summer time starts on Sunday 29 March 2026: the slot moves from 09:00 to 08:00 UTC.
    previous, following = slots_around(settings, berlin, datetime(2026, 3, 25, 12, tzinfo=UTC))
    assert previous == datetime(2026, 3, 23, 9, tzinfo=UTC)
    assert following == datetime(2026, 3, 30, 8, tzinfo=UTC)
    at_the_slot = datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert slots_around(settings, berlin, at_the_slot)[0] == at_the_slot
