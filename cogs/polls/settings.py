"""The ``[polls]`` section: who may start polls, how often, and weekly quiz series."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.core.permissions import Level
from bot.core.settings import ClockTime, CommunityKey, FeatureSettings, MemberLevel, Weekday


class ScheduledQuiz(FeatureSettings):
    """A quiz series run every week at the given time."""

    community: CommunityKey
    channel: str
    series: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
    day: Weekday
    at: ClockTime


class PollsSettings(FeatureSettings):
    min_level: MemberLevel = Level.MEMBER
    """Who may create polls: member, helper, moderator or admin."""
    max_per_hour: Annotated[int, Field(ge=0, le=1000)] = 3
    """Polls one member may create per hour (moderators are not limited)."""
    quizzes: list[ScheduledQuiz] = Field(default_factory=list)
    """Quiz series run on a weekly schedule."""
