"""The ``[ama]`` section: question limits, duplicate merging, drafts and weekly AMAs."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.core.settings import ClockTime, CommunityKey, FeatureSettings, Weekday


class WeeklyAma(FeatureSettings):
    """A recurring AMA ("Friday AMA"): collection opens every week at the given time."""

    community: CommunityKey
    channel: str
    day: Weekday
    opens_at: ClockTime
    collect_hours: Annotated[float, Field(gt=0, le=24 * 14)] = 24
    topic: Annotated[str, Field(min_length=1, max_length=200)]
    host: str
    """The host's member id on that platform (a console name, a Telegram user id)."""
    host_name: str = ""


class AmaSettings(FeatureSettings):
    max_questions: Annotated[int, Field(ge=1, le=100)] = 3
    """Questions one member may ask per AMA."""
    duplicate_similarity: Annotated[float, Field(gt=0, le=1)] = 0.6
    """Word overlap (0-1) from which a new question is shown to its author beside the earlier
    one it resembles; the same content words merge it at once (``cogs/ama/duplicates.py``)."""
    drafts: str = "faq/drafts"
    """Where answered questions become FAQ drafts (relative to the config file)."""
    weekly: list[WeeklyAma] = Field(default_factory=list)
