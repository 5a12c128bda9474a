"""What other features may ask the roles feature (its read API)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from bot.core.ids import CommunityRef
from bot.core.settings import EarnedLevel

Unlock = Literal["links", "polls"]
"""What an earned level can unlock (``links_from``, ``polls_from`` in ``[roles]``)."""


@runtime_checkable
class EarnedLevels(Protocol):
    async def earned_level(self, community: CommunityRef, member: str) -> EarnedLevel:
        """A member's earned level; ``newcomer`` until the roles feature says otherwise."""
        ...

    async def missing_for(
        self, community: CommunityRef, member: str, unlock: Unlock
    ) -> EarnedLevel | None:
        """The earned level ``unlock`` needs when the member has not reached it, else None."""
        ...


@runtime_checkable
class LevelsOverTime(Protocol):
    async def levels_by(
        self, community: CommunityRef, moments: Sequence[datetime]
    ) -> list[dict[str, int]]:
        """Per moment, how many members held each earned level they still hold then (a
        member counts from when they reached their present level: earlier steps are not
        kept). Members never promoted are not counted as newcomers."""
        ...
