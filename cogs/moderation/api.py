"""What other features may ask or read of moderation.

``cases`` is a published read contract (the digest leaves members with recent cases out of
the hero ranking): other features may select from it and must never write.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.i18n import Translator
from cogs.moderation.store import cases

__all__ = ["CommunityRules", "cases"]


@runtime_checkable
class CommunityRules(Protocol):
    def rules_lines(self, t: Translator) -> list[str]:
        """The community rules, numbered, under their title."""
        ...
