"""The flood limit means exactly what the rules file says: at most N messages in any T seconds."""

from __future__ import annotations

import pytest

from cogs.moderation.limiter import Breach, FloodTracker, Limits

LIMITS = Limits(messages=6, per_seconds=10, duplicates=99, duplicate_seconds=60, mentions=9,
                links=9)  # fmt: skip


def run(times: list[float]) -> list[Breach | None]:
    tracker = FloodTracker(idle_seconds=3600)
    return [
        tracker.check(1, t, LIMITS, text_hash=i + 1, mentions=0, links=0)
        for i, t in enumerate(times)
    ]


@pytest.mark.parametrize(
    ("times", "first_breach"),
    [
        ([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], None),  # six in one second: allowed
        ([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 6),  # the seventh within 10 s is one too many
        ([float(i) for i in range(7)], 6),  # seven a second apart: 7 in 6 s
        ([0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0], None),  # never more than 6 in any 10 s
        ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0], None),  # the first has left the window
        ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 9.99], 6),
    ],
)
def test_at_most_n_in_any_window(times: list[float], first_breach: int | None) -> None:
    results = run(times)
    breaches = [i for i, r in enumerate(results) if r is Breach.RATE]
    assert (breaches[0] if breaches else None) == first_breach


def test_a_refused_message_does_not_count() -> None:
    results = run([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 10.0])
    assert results[-1] is None  # only the six accepted ones were in the window
