"""The desk's button and deadline payloads. Buttons carry a case id; handlers check that the
case belongs to the community where the button was pressed."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bot.core.payloads import ButtonData, CommunityDeadline
from bot.core.permissions import Level


class ClockDue(CommunityDeadline):
    """An SLA clock reaches its warning share or its target (the handler re-reads the clock:
    a paused or stopped clock does nothing, a moved one is rescheduled)."""

    kind = "desk.clock"
    case: int
    clock: str
    round: int
    phase: Literal["warn", "breach"]


class EscalationDue(CommunityDeadline):
    """Step ``step`` (1-based) of the escalation chain for a breached case."""

    kind = "desk.escalate"
    case: int
    step: int


class CardDue(CommunityDeadline):
    """Staff get a case's card: at once for a ticket, after the grace period for a
    help-channel question (deflected instead if the FAQ answered ``message`` meanwhile).
    Durable, so a process that dies between opening the case and posting its card posts it
    after the restart."""

    kind = "desk.card"
    case: int
    message: str | None = None


class AutoClose(CommunityDeadline):
    """A case waiting for its member is closed for inactivity."""

    kind = "desk.autoclose"
    case: int


class Claim(ButtonData):
    """A helper takes a case from its card or an escalation notice."""

    action = "desk.claim"
    pressed_by = Level.HELPER
    case: int


class Rate(ButtonData):
    """The member rates how the case was handled (1-5), once."""

    action = "desk.rate"
    single_use = "rate"
    case: int
    score: Annotated[int, Field(ge=1, le=5)]


class Reopen(ButtonData):
    """The member reopens a closed case."""

    action = "desk.reopen"
    case: int


class OpenTicket(ButtonData):
    """ "Open a ticket" under an answer that did not help, FAQ suggestions, or a pinned post;
    ``answer`` (an FAQ answer row) gives the ticket the question it follows."""

    action = "desk.open"
    answer: int | None = None
