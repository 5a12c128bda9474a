"""What other features may ask the welcome (onboarding) feature."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.ids import CommunityRef


@runtime_checkable
class Onboarding(Protocol):
    def gates_newcomers(self) -> bool:
        """Whether new members wait (muted) until they accept the rules."""
        ...

    async def waiting(self, community: CommunityRef, member: str) -> bool:
        """Whether the member joined and has not accepted the rules yet."""
        ...
