"""AMA's button and deadline payloads."""

from __future__ import annotations

from bot.core.payloads import ButtonData, DeadlineData


class Upvote(ButtonData):
    """Upvote one AMA question (by its row id)."""

    action = "ama.up"
    question: int


class AmaClose(DeadlineData):
    """Collection closes: the host gets the ranked list."""

    kind = "ama.close"
    session: int
