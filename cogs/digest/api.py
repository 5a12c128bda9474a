"""What other features may read of the digest: the weekly figures ``stats export`` writes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.core.ids import CommunityRef

__all__ = ["WeeklyStats"]


@runtime_checkable
class WeeklyStats(Protocol):
    """The enabled digest feature."""

    async def weekly_rows(
        self, community: CommunityRef, weeks: int, now: datetime
    ) -> list[dict[str, str]]:
        """``stats export``'s rows for the community: its last ``weeks`` digest weeks,
        oldest first, the last one the week in progress."""
        ...

    async def next_digest(self, community: CommunityRef, now: datetime) -> str:
        """The text of the digest the community gets next, as ``digest preview`` shows it."""
        ...
