"""The emulated slow modes in force, as this process knows them (platforms without a native
slow mode: the bot removes a member's second message within the interval)."""

from __future__ import annotations

from bot.core.clock import Clock
from bot.core.ids import CommunityRef
from bot.storage.schema import community_of
from cogs.moderation.store import ModerationStore

REREAD_SECONDS = 5.0
"""Seconds a process trusts its copy when several processes share limits (another one may
have set or lifted a slow mode meanwhile)."""


class EmulatedSlowModes(dict[tuple[CommunityRef, str], int]):
    """(community, channel) -> interval in seconds, reloaded from the database."""

    def __init__(self, store: ModerationStore, clock: Clock, *, reread: bool) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.reread = reread
        self._read_at = float("-inf")

    async def restore(self) -> None:
        """Read the slow modes still in force (they outlive restarts)."""
        now = self.clock.now()
        modes: dict[tuple[CommunityRef, str], int] = {}
        for row in await self.store.slowmodes():
            if row["native"] or (row["until"] is not None and row["until"] <= now):
                continue
            modes[(community_of(row), row["channel"])] = int(row["interval_seconds"])
        self.clear()
        self.update(modes)
        self._read_at = now.timestamp()

    async def interval(self, community: CommunityRef, channel: str, now: float) -> int | None:
        """A channel's interval; read again at most every ``REREAD_SECONDS`` when shared."""
        if self.reread and now - self._read_at >= REREAD_SECONDS:
            await self.restore()
        return self.get((community, channel))
