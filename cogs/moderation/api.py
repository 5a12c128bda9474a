"""What other features may ask or read of moderation.

``cases`` is a published read contract (the digest leaves members with recent cases out of
the hero ranking): other features may select from it and must never write.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.events import Actor
from bot.core.ids import CommunityRef
from bot.i18n import Translator
from cogs.moderation.store import cases

__all__ = ["CaseActions", "CommunityRules", "RaidHolds", "cases"]


@runtime_checkable
class CaseActions(Protocol):
    async def pardon_case(
        self, community: CommunityRef, number: int, moderator: Actor, reason: str
    ) -> int:
        """Revoke a case as ``/pardon`` does (logged as a case of its own, whose number is
        returned); raises ``UserFacingError`` for an unknown or already pardoned case."""
        ...


@runtime_checkable
class CommunityRules(Protocol):
    def rules_lines(self, t: Translator) -> list[str]:
        """The community rules, numbered, under their title."""
        ...


@runtime_checkable
class RaidHolds(Protocol):
    async def holds(self, community: CommunityRef, member: str) -> bool:
        """Whether raid mode holds the member: they stay muted whatever they press."""
        ...
