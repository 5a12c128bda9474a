"""The digest's button and deadline payloads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from bot.core.payloads import ButtonData, CommunityDeadline
from bot.core.permissions import Level


class Step(ButtonData):
    """A next step under the digest: thank the hero, ask, start a poll, ..."""

    action = "digest.step"
    step: Literal["thanks", "ask", "poll", "ama", "faq", "topic"]
    detail: Annotated[str, Field(max_length=40)] | None = None


class HeroDecision(ButtonData):
    """A moderator confirms (``y``) or skips (``n``) the proposed hero of a week."""

    action = "digest.hero"
    pressed_by = Level.MODERATOR
    single_use = "digest.hero"
    verdict: Literal["y", "n"]
    week: Annotated[str, Field(max_length=10)]
    member: Annotated[str, Field(max_length=39)] | None = None


class DigestPost(CommunityDeadline):
    """The digest of one week goes out (after the moderators' decision, or at ``max_late``)."""

    kind = "digest.post"
    channel: str
    slot: datetime
