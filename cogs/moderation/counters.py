"""Where moderation counts per-member messages and joins: in this process, or in the database
so that several processes (Telegram webhook workers, Discord clusters) enforce one limit.

Both keep the same rules (:mod:`cogs.moderation.limiter`); the shared ones hold each member's
state in a :class:`~bot.storage.shared_state.SharedState` row while a message is judged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.storage.shared_state import SharedState
from cogs.moderation.limiter import (
    Breach,
    FloodTracker,
    JoinBurst,
    Limits,
    _State,
    clear,
    judge,
    pace,
)

PRUNE_EVERY = 2_000
"""Shared states are swept of idle members once per this many messages."""


class Counters(Protocol):
    """Per-member message limits, emulated slow mode and join bursts."""

    async def check(
        self, key: str, now: float, limits: Limits, *, text_hash: int, mentions: int, links: int
    ) -> Breach | None: ...

    async def slow_mode(
        self, key: str, now: float, interval: float
    ) -> tuple[bool, float, bool]: ...

    async def reset(self, key: str, now: float) -> None: ...

    async def join(self, community: str, now: float, joins: int, per_seconds: float) -> bool: ...

    async def clear_joins(self, community: str) -> None: ...


class LocalCounters:
    """Counted in this process only: the fastest, right for one process per community."""

    def __init__(self, *, idle_seconds: float) -> None:
        self.flood = FloodTracker(idle_seconds=idle_seconds)
        self.joins = JoinBurst()

    async def check(
        self, key: str, now: float, limits: Limits, *, text_hash: int, mentions: int, links: int
    ) -> Breach | None:
        return self.flood.check(
            hash(key), now, limits, text_hash=text_hash, mentions=mentions, links=links
        )

    async def slow_mode(self, key: str, now: float, interval: float) -> tuple[bool, float, bool]:
        return self.flood.slow_mode(hash(key), now, interval)

    async def reset(self, key: str, now: float) -> None:
        self.flood.reset(hash(key))

    async def join(self, community: str, now: float, joins: int, per_seconds: float) -> bool:
        return self.joins.join(community, now, joins, per_seconds)

    async def clear_joins(self, community: str) -> None:
        self.joins.clear(community)


class SharedCounters:
    """Counted in the database: every process sees every message of a member.

    A breach clears the member's counters in the same change, so a flood whose messages
    reach two processes at once is sanctioned once, not by each of them."""

    def __init__(self, shared: SharedState, *, idle_seconds: float) -> None:
        self.shared = shared
        self.idle = idle_seconds
        self._since_prune = 0

    async def check(
        self, key: str, now: float, limits: Limits, *, text_hash: int, mentions: int, links: int
    ) -> Breach | None:
        if mentions > limits.mentions:
            return Breach.MENTIONS  # decided by this message alone
        if links > limits.links:
            return Breach.LINKS
        await self._maybe_prune(now)

        def count(raw: dict[str, Any]) -> Breach | None:
            state = _State.load(raw)
            breach = judge(state, now, limits, text_hash, mentions, links)
            if breach is not None:
                clear(state)
            raw.update(state.dump())
            return breach

        return await self.shared.change(f"flood|{key}", _at(now), count)

    async def slow_mode(self, key: str, now: float, interval: float) -> tuple[bool, float, bool]:
        def step(raw: dict[str, Any]) -> tuple[bool, float, bool]:
            state = _State.load(raw)
            verdict = pace(state, now, interval)
            raw.update(state.dump())
            return verdict

        return await self.shared.change(f"flood|{key}", _at(now), step)

    async def reset(self, key: str, now: float) -> None:
        def forget(raw: dict[str, Any]) -> None:
            state = _State.load(raw)
            clear(state)
            raw.update(state.dump())

        await self.shared.change(f"flood|{key}", _at(now), forget)

    async def join(self, community: str, now: float, joins: int, per_seconds: float) -> bool:
        def add(raw: dict[str, Any]) -> bool:
            window = [float(t) for t in raw.get("t", [])][-(joins - 1) :] if joins > 1 else []
            window.append(now)
            raw["t"] = window
            return len(window) == joins and now - window[0] <= per_seconds

        return await self.shared.change(f"joins|{community}", _at(now), add)

    async def clear_joins(self, community: str) -> None:
        await self.shared.drop(f"joins|{community}")

    async def _maybe_prune(self, now: float) -> None:
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            await self.shared.prune("flood|", _at(now) - timedelta(seconds=self.idle))


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
