"""AMA's button and deadline payloads."""

from __future__ import annotations

from typing import Literal

from bot.core.payloads import ButtonData, DeadlineData


class Upvote(ButtonData):
    """Upvote one AMA question (by its row id)."""

    action = "ama.up"
    question: int


class AmaClose(DeadlineData):
    """Collection closes: the host gets the ranked list."""

    kind = "ama.close"
    session: int


class SameQuestion(ButtonData):
    """The author of a held question says whether it is the same as the earlier one shown
    ("y": upvote that one instead) or a different question ("n": post it)."""

    action = "ama.same"
    pending: int
    same: Literal["y", "n"]
