"""The FAQ's button and deadline payloads."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bot.core.payloads import ButtonData, ChannelDeadline
from bot.core.permissions import Level


class Helped(ButtonData):
    """👍 / 👎 under an answer (by the answer's row id). Pressed by the member who asked, or
    helpers and up (checked by the handler against the answer's asker)."""

    action = "faq.vote"
    answer: int
    verdict: Literal["y", "n"]


class Pick(ButtonData):
    """One "did you mean" suggestion: the suggestion row and the candidate's position."""

    action = "faq.pick"
    answer: int
    number: int = Field(ge=0, le=9)


class Show(ButtonData):
    """Show an entry from ``/faq`` search results."""

    action = "faq.show"
    entry: Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class Delayed(ChannelDeadline):
    """An answer held back (``answer_delay``) in case a member answers first."""

    kind = "faq.delayed"
    message: str
    asker: str
    asker_name: str
    decision: Literal["answer", "suggest", "silent"]
    entry: str | None = None
    confidence: float
    candidates: list[str] = Field(default_factory=list)
    lang: str | None = None
    text: str = ""
    """The question's words (for the review queue), at most 500 characters."""


class ReviewMiss(ButtonData):
    """A moderator's decision on a missed question: add its words to the suggested entry
    ("a"), or dismiss it ("d"). The first decision under the message wins."""

    action = "faq.review"
    pressed_by = Level.MODERATOR
    single_use = "faq.review"
    answer: int
    verdict: Literal["a", "d"]
