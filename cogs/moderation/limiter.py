"""Per-member frequency limits with bounded memory, and join-burst (raid) detection.

State per tracked member and channel is one small slotted object: the times of the last N
messages in a ring (the rate limit means exactly "at most N messages in any T seconds"), the
hash and count of the last repeated text, and the last post time for emulated slow mode.
Members idle for longer than every window are evicted as new traffic arrives, and the table has
a hard cap.
"""

from __future__ import annotations

from array import array
from collections import deque
from dataclasses import dataclass
from enum import StrEnum


class Breach(StrEnum):
    RATE = "rate"
    DUPLICATES = "duplicates"
    MENTIONS = "mentions"
    LINKS = "links"


@dataclass(frozen=True, slots=True)
class Limits:
    messages: int
    per_seconds: float
    duplicates: int
    duplicate_seconds: float
    mentions: int
    links: int


class _State:
    __slots__ = (
        "dup_count", "dup_hash", "dup_since", "head", "last", "slow_last", "slow_told", "times",
    )  # fmt: skip

    def __init__(self) -> None:
        self.times: array[float] | float | None = None
        """The time of the first message, then the times of the last ``messages`` messages
        (a ring; -inf where none yet)."""
        self.head = 0
        self.dup_hash = 0
        self.dup_count = 0
        self.dup_since = 0.0
        self.last = 0.0
        self.slow_last = 0.0
        self.slow_told = False

    def dump(self) -> dict[str, object]:
        """The state as JSON-ready values (for counters shared through the database)."""
        times = self.times
        return {
            "t": list(times) if isinstance(times, array) else times,
            "h": self.head, "dh": self.dup_hash, "dc": self.dup_count, "ds": self.dup_since,
            "sl": self.slow_last, "st": self.slow_told,
        }  # fmt: skip

    @classmethod
    def load(cls, raw: dict[str, object]) -> _State:
        state = cls()
        times = raw.get("t")
        if isinstance(times, list):
            state.times = array("d", (float(x) for x in times))
        elif isinstance(times, int | float):
            state.times = float(times)
        state.head = int(raw.get("h", 0))  # type: ignore[call-overload]
        state.dup_hash = int(raw.get("dh", 0))  # type: ignore[call-overload]
        state.dup_count = int(raw.get("dc", 0))  # type: ignore[call-overload]
        state.dup_since = float(raw.get("ds", 0.0))  # type: ignore[arg-type]
        state.slow_last = float(raw.get("sl", 0.0))  # type: ignore[arg-type]
        state.slow_told = bool(raw.get("st", False))
        return state


def judge(
    state: _State, now: float, limits: Limits, text_hash: int, mentions: int, links: int
) -> Breach | None:
    """Count one message in a member's state; the first limit it breaks, if any."""
    if mentions > limits.mentions:
        return Breach.MENTIONS
    if links > limits.links:
        return Breach.LINKS
    # At most ``messages`` in any ``per_seconds``: this one breaks the limit when the
    # oldest of the last ``messages`` is less than ``per_seconds`` ago.
    breach: Breach | None = None if record(state, now, limits) else Breach.RATE
    if (
        text_hash
        and text_hash == state.dup_hash
        and now - state.dup_since <= (limits.duplicate_seconds)
    ):
        state.dup_count += 1
        if state.dup_count >= limits.duplicates and breach is None:
            breach = Breach.DUPLICATES
    else:
        state.dup_hash, state.dup_count, state.dup_since = text_hash, 1, now
    return breach


def record(state: _State, now: float, limits: Limits) -> bool:
    """Count one message in the member's window; False (and not counted) when it is one
    too many. The first message is kept as a plain time: the ring is only built for a
    member's second message, so the many members who post once cost little."""
    size = limits.messages
    times = state.times
    if times is None:
        state.times = now
        return True
    if isinstance(times, float):
        ring = array("d", [float("-inf")] * size)
        ring[0] = times
        state.times, state.head = ring, 1 % size
        times = ring
    elif len(times) != size:  # the limit changed (a rules reload, a channel override)
        state.times = None
        return record(state, now, limits)
    if now - times[state.head] < limits.per_seconds:
        return False
    times[state.head] = now
    state.head = (state.head + 1) % size
    return True


def pace(state: _State, now: float, interval: float) -> tuple[bool, float, bool]:
    """Emulated slow mode on a member's state: (allowed, seconds to wait, tell them now)."""
    wait = state.slow_last + interval - now
    if state.slow_last and wait > 0:
        tell = not state.slow_told
        state.slow_told = True
        return False, wait, tell
    state.slow_last = now
    state.slow_told = False
    return True, 0.0, False


def clear(state: _State) -> None:
    """Forget a member's counters (after a sanction, so one flood is one case)."""
    state.times = None
    state.dup_hash = 0
    state.dup_count = 0


class FloodTracker:
    """Checks each message against the limits; memory bounded by idle eviction and a cap."""

    def __init__(self, *, idle_seconds: float, max_members: int = 500_000) -> None:
        self._idle = idle_seconds
        self._cap = max_members
        self._states: dict[int, _State] = {}
        self._since_sweep = 0

    def __len__(self) -> int:
        return len(self._states)

    def _state(self, key: int, now: float) -> _State:
        state = self._states.pop(key, None)
        if state is None:
            state = _State()
        self._states[key] = state  # most recently used last
        state.last = now
        self._since_sweep += 1
        if self._since_sweep >= 256 or len(self._states) > self._cap:
            self._sweep(now)
        return state

    def _sweep(self, now: float) -> None:
        self._since_sweep = 0
        states = self._states
        cutoff = now - self._idle
        while states:
            key = next(iter(states))
            if states[key].last >= cutoff and len(states) <= self._cap:
                break
            del states[key]

    def check(
        self,
        key: int,
        now: float,
        limits: Limits,
        *,
        text_hash: int,
        mentions: int,
        links: int,
    ) -> Breach | None:
        """Record one message; returns the first limit it breaks, if any."""
        return judge(self._state(key, now), now, limits, text_hash, mentions, links)

    def reset(self, key: int) -> None:
        """Forget a member's counters (after a sanction, so one flood is one case)."""
        state = self._states.get(key)
        if state is not None:
            clear(state)

    def slow_mode(self, key: int, now: float, interval: float) -> tuple[bool, float, bool]:
        """Emulated slow mode: (allowed, seconds to wait, whether to tell the member now)."""
        return pace(self._state(key, now), now, interval)


class JoinBurst:
    """Counts joins per community; reports when ``joins`` arrive within ``per_seconds``."""

    def __init__(self) -> None:
        self._joins: dict[str, deque[float]] = {}

    def join(self, community: str, now: float, joins: int, per_seconds: float) -> bool:
        window = self._joins.get(community)
        if window is None or window.maxlen != joins:
            window = self._joins[community] = deque(window or (), maxlen=joins)
        window.append(now)
        return len(window) == joins and now - window[0] <= per_seconds

    def clear(self, community: str) -> None:
        self._joins.pop(community, None)
