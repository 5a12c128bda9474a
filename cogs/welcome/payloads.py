"""Onboarding's button and deadline payloads."""

from __future__ import annotations

from pydantic import Field

from bot.core.payloads import ButtonData, CommunityDeadline


class Accept(ButtonData):
    """ "I accept the rules": whoever presses it accepts for themselves."""

    action = "onboarding.accept"


class Answer(ButtonData):
    """One answer to the onboarding question: its position, turned by a per-member offset."""

    action = "onboarding.answer"
    choice: int = Field(ge=0, le=7)


class ShowRules(ButtonData):
    action = "onboarding.rules"


class GateTimeout(CommunityDeadline):
    """A newcomer who has not accepted the rules in time is removed."""

    kind = "onboarding.timeout"
    member: str


class WelcomeBatch(CommunityDeadline):
    """Welcomes collected during a join burst, posted together."""

    kind = "welcome.batch"
    names: list[str] = Field(default_factory=list)
    ids: list[str] = Field(default_factory=list)
    cleanup: list[tuple[str, str]] = Field(default_factory=list)
    """(channel, message) of welcomes sent one by one before the burst, deleted with it."""
