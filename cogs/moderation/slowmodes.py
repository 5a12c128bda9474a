"""The emulated slow modes in force, as this process knows them (platforms without a native
slow mode: the bot removes a member's second message within the interval)."""

from __future__ import annotations

from bot.core.clock import Clock
from bot.core.ids import CommunityRef
from bot.core.reread import Reread
from bot.storage.schema import community_of
from cogs.moderation.store import ModerationStore


class EmulatedSlowModes(dict[tuple[CommunityRef, str], int]):
    """(community, channel) -> interval in seconds, reloaded from the database."""

    def __init__(self, store: ModerationStore, clock: Clock, *, several: bool) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.reread = Reread(self._load, clock, several=several)

    async def restore(self) -> None:
        """Read the slow modes still in force (they outlive restarts)."""
        await self.reread.now()

    async def _load(self) -> None:
        now = self.clock.now()
        modes: dict[tuple[CommunityRef, str], int] = {}
        for row in await self.store.slowmodes():
            if row["native"] or (row["until"] is not None and row["until"] <= now):
                continue
            modes[(community_of(row), row["channel"])] = int(row["interval_seconds"])
        self.clear()
        self.update(modes)

    async def interval(self, community: CommunityRef, channel: str) -> int | None:
        """A channel's interval (another process may have set or lifted it a moment ago)."""
        await self.reread.fresh()
        return self.get((community, channel))
