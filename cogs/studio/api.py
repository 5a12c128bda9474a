"""What other features may read of the studio: the content calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.core.ids import CommunityRef

__all__ = ["ContentCalendar"]


@runtime_checkable
class ContentCalendar(Protocol):
    """The enabled studio feature."""

    async def calendar_text(self, community: CommunityRef, now: datetime) -> str:
        """The coming weeks as /calendar shows them: planned posts, the digest and AMA
        beside them, and the warnings (clashes, heavy posts in a row, silent stretches)."""
        ...
