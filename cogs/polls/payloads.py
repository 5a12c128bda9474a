"""Polls' button and deadline payloads."""

from __future__ import annotations

from pydantic import Field

from bot.core.payloads import ButtonData, ChannelDeadline, DeadlineData


class Vote(ButtonData):
    """A vote button: the poll and the option's position."""

    action = "poll.vote"
    sep = "/"
    poll: int
    option: int = Field(ge=0, le=9)


class PollClose(DeadlineData):
    """A poll closes: results are posted once."""

    kind = "poll.close"
    poll: int


class SeriesStep(ChannelDeadline):
    """The next question of a quiz series (or its leaderboard after the last one)."""

    kind = "quiz.series"
    series: str
    index: int = Field(ge=0)
    polls: list[int] = Field(default_factory=list)
    by: str
