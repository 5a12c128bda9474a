"""What other features may ask the moderation feature."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.i18n import Translator


@runtime_checkable
class CommunityRules(Protocol):
    def rules_lines(self, t: Translator) -> list[str]:
        """The community rules, numbered, under their title."""
        ...
