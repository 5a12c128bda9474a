"""What other features may ask the welcome (onboarding) feature."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Onboarding(Protocol):
    def gates_newcomers(self) -> bool:
        """Whether new members wait (muted) until they accept the rules."""
        ...
